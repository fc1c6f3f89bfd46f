package clikit

import (
	"errors"
	"fmt"
	"strconv"
)

// Exit codes shared by both command lines.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2 // unknown flag or command, missing or bad flag value
)

// UsageError marks bad usage: the command line, not the world, is wrong.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// IsUsage reports whether err is, or wraps, a UsageError.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}

// ExitCode is the exit status for the error a command returned.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case IsUsage(err):
		return ExitUsage
	}
	return ExitFailure
}

// Threshold reads a threshold flag's value (--threshold, --params-threshold):
// a whole number of distinct trusted signatures, at least 1. Anything else is
// a usage error naming the flag.
func Threshold(flag, value string) (int, error) {
	k, err := strconv.Atoi(value)
	if err != nil || k < 1 {
		return 0, Usagef("%s %q: want a whole number of at least 1", flag, value)
	}
	return k, nil
}
