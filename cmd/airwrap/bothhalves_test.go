package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
)

// buildOnline builds the airwrap-online binary for a test that runs both halves.
func buildOnline(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "airwrap-online")
	cmd := exec.Command("go", "build", "-o", bin, "../airwrap-online")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build airwrap-online:\n%s", out)
	return bin
}

// halves runs both binaries in one test: airwrap in this process on a
// throwaway SoftHSM token, airwrap-online as built, with env added to its
// environment (how it reaches KMS).
type halves struct {
	t      *testing.T
	tok    *softhsmtest.Token
	online string // the airwrap-online binary
	env    []string
	dir    string
}

func newHalves(t *testing.T, env ...string) *halves {
	tok := softhsmtest.New(t)
	t.Setenv(envModule, tok.Module)
	t.Setenv(envToken, tok.Label)
	t.Setenv(envPIN, tok.PIN)
	return &halves{t: t, tok: tok, online: buildOnline(t), env: env, dir: t.TempDir()}
}

// at is a path in the test's directory.
func (h *halves) at(name string) string { return filepath.Join(h.dir, name) }

// airwrap runs the offline half, wants exit 0 and returns stdout and stderr.
func (h *halves) airwrap(args ...string) string {
	h.t.Helper()
	os.Setenv(envPIN, h.tok.PIN) // airwrap unsets it once read; t.Setenv restores it after the test
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"airwrap"}, args...), nil, &stdout, &stderr)
	require.Equal(h.t, 0, code, "airwrap %v:\n%s", args, stderr.String())
	return stdout.String() + stderr.String()
}

// run runs airwrap-online, wants exit code want and returns stdout and stderr.
func (h *halves) run(want int, args ...string) (string, string) {
	h.t.Helper()
	cmd := exec.Command(h.online, args...)
	cmd.Env = append(os.Environ(), h.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(h.t, err)
	}
	require.Equal(h.t, want, code, "airwrap-online %v:\n%s%s", args, stdout.String(), stderr.String())
	return stdout.String(), stderr.String()
}
