package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
)

// resumable is a prepare or submit that stopped part way (interrupted, or a
// prepare that failed after creating keys), with the command that goes on
// from where it stopped. The hint table (errors.go) says what to do with it.
type resumable struct {
	err    error
	submit bool // a submit: re-running it is safe
	// newMaterial: a submit of new key material stopped after some import
	// (kmsimport.ErrResumeNeeded): command resumes with --resume receipt,
	// and without a receipt there is no safe command.
	newMaterial bool
	rotate      bool   // a submit stopped in its rotation phase: command rotates the rest
	command     string // quoted, to paste
	receipt     string // submit: this run's receipt, written, or ""
}

func (r *resumable) Error() string { return r.err.Error() }
func (r *resumable) Unwrap() error { return r.err }

// createOnly are prepare's flags that only go with --create: a continuing
// prepare names the created keys with --key-id instead.
var createOnly = map[string]bool{"create": true, "key-spec": true, "key-usage": true, "description": true, "multi-region": true, "replica-region": true, "tag": true}

// prepareResumable wraps err, when prepare stopped part way, with the
// command that continues: the same flags, and for the keys this run created
// --key-id in place of --create and its flags.
func prepareResumable(c *cli.Context, err error) error {
	var created *online.CreatedError
	isCreated := errors.As(err, &created)
	if !isCreated && !errors.Is(err, kmsimport.ErrInterrupted) {
		return err
	}
	words := append(globalWords(c), "prepare")
	var ids []string
	if isCreated {
		ids = created.ARNs
	}
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if isCreated && createOnly[name] {
			continue
		}
		if name == "key-id" {
			for _, v := range append(c.StringSlice(name), ids...) {
				words = append(words, "--key-id", v)
			}
			continue
		}
		words = append(words, flagWords(c, f)...)
	}
	return &resumable{err: err, command: clikit.ShellCommand(words)}
}

// submitResumable wraps an interrupted submit's err with the same command,
// writing its receipt, if any, to a new path (receipts are never replaced).
// When the run imported new key material, or itself resumed an earlier
// run, and wrote its receipt, the command resumes from that receipt
// (--resume): it records every entry imported so far, by either run.
func submitResumable(c *cli.Context, bundlePath string, rc *kmsimport.Receipt, err error) error {
	if !errors.Is(err, kmsimport.ErrInterrupted) {
		return err
	}
	// Stopped after every import, in the rotation phase: what remains is
	// the rotation of the keys named, not the submit.
	var stop *kmsimport.RotationStoppedError
	if errors.As(err, &stop) {
		if len(stop.ARNs) == 0 {
			return err
		}
		words := append(globalWords(c), "rotate")
		for _, arn := range stop.ARNs {
			words = append(words, "--key-id", arn)
		}
		return &resumable{err: err, rotate: true, command: clikit.ShellCommand(words), receipt: c.String("receipt")}
	}
	receipt := c.String("receipt")
	if rc == nil {
		receipt = "" // not written
	}
	newMaterial := errors.Is(err, kmsimport.ErrResumeNeeded)
	resume := receipt != "" && (newMaterial || c.String("resume") != "")
	words := append(globalWords(c), "submit", bundlePath)
	for _, f := range c.Command.Flags {
		switch name := f.Names()[0]; {
		case name == "receipt" && receipt != "":
			words = append(words, "--receipt", nextReceiptPath(receipt))
		case name == "resume" && resume:
			words = append(words, "--resume", receipt)
		default:
			words = append(words, flagWords(c, f)...)
		}
	}
	return &resumable{err: err, submit: true, newMaterial: newMaterial, command: clikit.ShellCommand(words), receipt: receipt}
}

// globalWords: the program and the global flags given, --endpoint-url
// without any user name or password in it.
func globalWords(c *cli.Context) []string {
	words := []string{"airwrap-online"}
	for _, f := range c.App.Flags {
		w := flagWords(c, f) // the context looks the flag up in its lineage
		if len(w) == 2 && w[0] == "--endpoint-url" {
			if u, err := url.Parse(w[1]); err == nil && u.User != nil {
				u.User = nil
				w[1] = u.String()
			}
		}
		words = append(words, w...)
	}
	return words
}

// flagWords: flag f as given on the command line, or nothing when unset.
func flagWords(c *cli.Context, f cli.Flag) []string {
	name := f.Names()[0]
	if !c.IsSet(name) {
		return nil
	}
	switch f.(type) {
	case *cli.BoolFlag:
		if c.Bool(name) {
			return []string{"--" + name}
		}
		return []string{"--" + name + "=false"}
	case *cli.StringSliceFlag:
		var w []string
		for _, v := range c.StringSlice(name) {
			w = append(w, "--"+name, v)
		}
		return w
	}
	return []string{"--" + name, fmt.Sprint(c.Value(name))}
}

// nextReceiptPath is a path beside receipt that does not exist yet:
// NAME-resumed.EXT, then NAME-resumed-2.EXT, and so on.
func nextReceiptPath(receipt string) string {
	ext := filepath.Ext(receipt)
	base := strings.TrimSuffix(receipt, ext) + "-resumed"
	for i := 1; ; i++ {
		p := base + ext
		if i > 1 {
			p = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
	}
}
