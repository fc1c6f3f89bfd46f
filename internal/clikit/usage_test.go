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

// Threshold is the one reader of --threshold and --params-threshold.
func TestThreshold(t *testing.T) {
	if k, err := Threshold("--threshold", "2"); k != 2 || err != nil {
		t.Fatalf("Threshold(2) = %d, %v", k, err)
	}
	for _, bad := range []string{"0", "-1", "", "two", "1.5", " 1"} {
		_, err := Threshold("--params-threshold", bad)
		want := `--params-threshold "` + bad + `": want a whole number of at least 1`
		if !IsUsage(err) || err.Error() != want {
			t.Errorf("Threshold(%q): %v, want usage error %q", bad, err, want)
		}
	}
}
