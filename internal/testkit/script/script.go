// Package script holds the testscript commands both CLIs' script tests
// use (cmd/airwrap and cmd/airwrap-online register them under the same
// names). Test support only.
package script

import (
	"errors"
	"os"
	"os/exec"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/airwrap/airwrap/internal/testkit/transcripttest"
)

// Exits is `exits CODE PROGRAM [ARGS...]`: run PROGRAM like exec and
// require exit status CODE. It cannot be negated (`! exits` is a usage
// error: the status is already the assertion).
func Exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// Tamper is `tamper FILE OP [ARG...]`: alter a transcript in place as an
// attacker could (transcripttest.Tamper lists the operations).
func Tamper(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: tamper FILE OP [ARG...]")
	}
	p := ts.MkAbs(args[0])
	data, err := os.ReadFile(p)
	ts.Check(err)
	data, err = transcripttest.Tamper(data, args[1], args[2:]...)
	ts.Check(err)
	ts.Check(os.WriteFile(p, data, 0o644))
}
