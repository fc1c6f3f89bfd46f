// Package clikit holds what both command lines share: the order of their
// arguments and terminal-safe text.
package clikit

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// HoistArgs lets flags follow a command's positional arguments, as in
// `airwrap verify import.json --trust signer.pem`: Go's flag parsing stops at
// the first positional argument, so positional arguments of a leaf command
// are moved after its flags. Global flags and command names are untouched.
func HoistArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	i := 1 + skipFlags(app.Flags, args[1:])
	cmds := app.Commands
	var cmd *cli.Command
	for i < len(args) {
		next := findCommand(cmds, args[i])
		if next == nil {
			break
		}
		cmd, cmds = next, next.Subcommands
		i++
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	var flags, positional []string
	rest := args[i:]
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		switch {
		case a == "--":
			positional = append(positional, rest[j+1:]...)
			j = len(rest)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			if takesValue(cmd.Flags, a) && j+1 < len(rest) {
				j++
				flags = append(flags, rest[j])
			}
		default:
			positional = append(positional, a)
		}
	}
	out := append(append([]string{}, args[:i]...), flags...)
	if len(positional) > 0 {
		out = append(append(out, "--"), positional...)
	}
	return out
}

// skipFlags counts the leading flag arguments (with their values).
func skipFlags(fs []cli.Flag, args []string) int {
	n := 0
	for n < len(args) && strings.HasPrefix(args[n], "-") && args[n] != "--" {
		if takesValue(fs, args[n]) {
			n++
		}
		n++
	}
	return n
}

// takesValue reports whether arg is a flag in fs that takes a separate value.
func takesValue(fs []cli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, f := range fs {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
