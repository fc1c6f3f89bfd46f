package clikit

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		got := ExitCode(c.err)
		assert.Equal(t, c.want, got, "ExitCode(%v) = %d, want %d", c.err, got, c.want)
	}
}

// Threshold is the one reader of --threshold and --params-threshold.
func TestThreshold(t *testing.T) {
	k, err := Threshold("--threshold", "2")
	require.Equal(t, 2, k, "Threshold(2) = %d, %v", k, err)
	require.NoError(t, err, "Threshold(2) = %d, %v", k, err)
	for _, bad := range []string{"0", "-1", "", "two", "1.5", " 1"} {
		_, err := Threshold("--params-threshold", bad)
		want := `--params-threshold "` + bad + `": want a whole number of at least 1`
		if assert.True(t, IsUsage(err), "Threshold(%q): %v, want usage error %q", bad, err, want) {
			assert.Equal(t, want, err.Error(), "Threshold(%q): %v, want usage error %q", bad, err, want)
		}
	}
}
