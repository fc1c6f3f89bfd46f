// Package clikit holds what both command lines share: the order of their
// arguments and terminal-safe text.
package clikit

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// HoistArgs puts a command line in the order urfave/cli parses, so that it
// reads the way AWS CLI users write one:
//
//   - flags may follow a command's positional arguments
//     (`airwrap verify import.json --trust signer.pem`): Go's flag parsing
//     stops at the first positional argument, so they are moved after the
//     flags;
//   - global options may come after the command
//     (`airwrap key list --json`, `airwrap-online prepare --endpoint-url URL`),
//     as in the AWS CLI: they are moved before it;
//   - a command's own flags may come before its name.
//
// A flag that only another command has is refused with a usage error naming
// the commands it belongs to, all such flags at once. A command line that
// names no leaf command, and flags nobody defines (urfave reports those), are
// left to urfave/cli.
func HoistArgs(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	// The command path: command names in order, skipping flags and their values.
	var leaf *cli.Command
	var path []string
	at := map[int]bool{}
	subs := app.Commands
	for i := 1; i < len(args) && (leaf == nil || len(leaf.Subcommands) > 0); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if isFlag(a) {
			if _, f := lookup(app, leaf, a); f != nil && takesValue(f, a) {
				i++
			}
			continue
		}
		next := findCommand(subs, a)
		if next == nil {
			break
		}
		leaf, subs = next, next.Subcommands
		path = append(path, a)
		at[i] = true
	}
	if leaf == nil || len(leaf.Subcommands) > 0 {
		return args, nil
	}
	var globals, flags, positional []string
	var errs []error
	for j := 1; j < len(args); j++ {
		a := args[j]
		switch {
		case at[j]:
		case a == "--":
			positional = append(positional, args[j+1:]...)
			j = len(args)
		case isFlag(a):
			where, f := lookup(app, leaf, a)
			n := 1
			if f != nil && takesValue(f, a) {
				if j+1 == len(args) {
					if where == "global" {
						// moved before the command, it would take the command's name as its value
						errs = append(errs, fmt.Errorf("flag needs an argument: -%s", strings.TrimPrefix(flagName(a), "--")))
					} else {
						flags = append(flags, a) // urfave says the same
					}
					continue
				}
				n = 2
			}
			switch where {
			case "leaf", "":
				flags = append(flags, args[j:j+n]...)
			case "global":
				globals = append(globals, args[j:j+n]...)
			default:
				errs = append(errs, fmt.Errorf("%s is not an option of %s %s; it goes with %s", flagName(a), app.Name, strings.Join(path, " "), where))
			}
			j += n - 1
		default:
			positional = append(positional, a)
		}
	}
	if len(errs) > 0 {
		return nil, &UsageError{Err: errors.Join(errs...)}
	}
	out := append([]string{args[0]}, globals...)
	out = append(append(out, path...), flags...)
	if len(positional) > 0 {
		out = append(append(out, "--"), positional...)
	}
	return out, nil
}

func isFlag(a string) bool { return strings.HasPrefix(a, "-") && a != "-" && a != "--" }

// flagName is a flag argument as the user would write it: --name.
func flagName(a string) string {
	name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
	return "--" + name
}

// lookup finds the flag a stands for: the leaf command's own ("leaf"), a
// global one ("global"), else the commands that have it ("airwrap wrap,
// airwrap cosign"), else nothing (""). Before the leaf is known (leaf nil or
// a group) any command's flag counts as the leaf's.
func lookup(app *cli.App, leaf *cli.Command, a string) (string, cli.Flag) {
	name := strings.TrimPrefix(flagName(a), "--")
	if leaf != nil {
		if f := find(leaf.Flags, name); f != nil {
			return "leaf", f
		}
	}
	if f := find(app.Flags, name); f != nil {
		return "global", f
	}
	var owners []string
	var flag cli.Flag
	var walk func(prefix string, cmds []*cli.Command)
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			if f := find(c.Flags, name); f != nil {
				owners = append(owners, prefix+c.Name)
				flag = f
			}
			walk(prefix+c.Name+" ", c.Subcommands)
		}
	}
	walk(app.Name+" ", app.Commands)
	if flag == nil {
		return "", nil
	}
	if leaf == nil || len(leaf.Subcommands) > 0 {
		return "leaf", flag
	}
	slices.Sort(owners)
	return strings.Join(owners, ", "), flag
}

func find(fs []cli.Flag, name string) cli.Flag {
	for _, f := range fs {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// takesValue reports whether f, given as arg, takes the next argument as
// its value.
func takesValue(f cli.Flag, arg string) bool {
	if strings.Contains(arg, "=") {
		return false
	}
	_, isBool := f.(*cli.BoolFlag)
	return !isBool
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
