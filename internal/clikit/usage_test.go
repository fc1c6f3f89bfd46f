package clikit

import (
	"errors"
	"fmt"
	"testing"
)

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("the token is gone"), ExitFailure},
		{Usagef("--threshold %q: want a whole number", "two"), ExitUsage},
		{fmt.Errorf("wrap: %w", Usagef("--key is required")), ExitUsage},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
