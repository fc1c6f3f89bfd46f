package clikit_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/internal/clikit"
)

// A command line ShellCommand prints, run by a real POSIX shell, gives the
// program the words it was made of.
func TestShellCommandRoundTrip(t *testing.T) {
	words := []string{"arn:aws:kms:eu-west-2:111122223333:key/1234", "it's ours", "a b", "", "$HOME", "`id`", "x;y", "--tag", "team=pay*", "new\nline", `back\slash`, "ünï"}
	line := clikit.ShellCommand(append([]string{"printf", `%s\0`}, words...))
	out, err := exec.Command("/bin/sh", "-c", line).Output()
	require.NoError(t, err, line)
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	assert.Equal(t, words, got, line)
	assert.Equal(t, "plain-word_1.json", clikit.ShellQuote("plain-word_1.json"), "safe words stay bare")
}
