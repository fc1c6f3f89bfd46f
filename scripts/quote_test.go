// Package scripts holds the shell scripts behind make; this test checks the
// quoting scripts/demo.sh prints its commands with.
package scripts

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What quote prints, bash reads back as the same arguments.
func TestQuoteRoundTrips(t *testing.T) {
	args := []string{
		"airwrap", "wrap", "--operator", "A. Officer", "--operator", "O'Brien, B.",
		"", "a b\tc", "$HOME", "`id`", "*", "a\"b", "back\\slash", "line\nbreak",
		"--key", "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab=label", "fileb://plain.txt", "~", "#x", "a;b", "100%",
	}
	script := `source "$1"; shift; eval "set -- $(quote "$@")"; printf '%s\0' "$@"`
	cmd := exec.Command("bash", append([]string{"-c", script, "bash", "quote.sh"}, args...)...)
	out, err := cmd.Output()
	require.NoError(t, err, "bash")
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	require.Len(t, got, len(args), "%d arguments back, want %d: %q", len(got), len(args), got)
	for i := range args {
		assert.Equal(t, args[i], got[i], "argument %d: got %q, want %q", i, got[i], args[i])
	}
	plain, err := exec.Command("bash", "-c", `source quote.sh; quote airwrap verify import.json --trust ceremony-signer.pem`).Output()
	require.NoError(t, err)
	assert.Equal(t, "airwrap verify import.json --trust ceremony-signer.pem", string(plain), "plain words quoted: %s", plain)
}
