package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/stretchr/testify/require"
)

// TestPINEnvNotInherited: main takes AIRWRAP_PIN out of the environment
// before anything runs, so no process airwrap starts inherits it, and the
// PIN still reaches the token.
func TestPINEnvNotInherited(t *testing.T) {
	st := softhsmtest.New(t)
	t.Setenv(envModule, st.Module)
	t.Setenv(envToken, st.Label)
	t.Setenv(envPIN, st.PIN)
	takePINFromEnv() // what main does first
	v, ok := os.LookupEnv(envPIN)
	require.False(t, ok, "%s still set after startup (%d bytes)", envPIN, len(v))
	child, err := exec.Command("sh", "-c", "env").Output()
	require.NoError(t, err)
	require.False(t, bytes.Contains(child, []byte(envPIN+"=")), "a child process inherits the PIN")
	require.False(t, bytes.Contains(child, []byte(st.PIN)), "a child process inherits the PIN")
	var out, errb bytes.Buffer
	code := run([]string{"airwrap", "key", "list"}, strings.NewReader(""), &out, &errb)
	require.Zero(t, code, "key list with the PIN taken at startup exited %d:\n%s", code, errb.String())
	require.Nil(t, takenPIN, "the PIN taken at startup is still held after use")
	require.False(t, takenPINSet, "the PIN taken at startup is still held after use")
}

// TestPINFileBufferZeroed: the buffer the PIN file was read into is zeroed;
// only the returned copy (which hsm.Open zeroes after login) holds the PIN.
func TestPINFileBufferZeroed(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pin")
	require.NoError(t, os.WriteFile(p, []byte("pin-8D1F77\n"), 0o600))
	var buf []byte
	readFile = func(name string) ([]byte, error) {
		b, err := os.ReadFile(name)
		buf = b
		return b, err
	}
	t.Cleanup(func() { readFile = os.ReadFile })
	pin, err := readPINFile(p)
	require.NoError(t, err, "read %q, %v", pin, err)
	require.Equal(t, "pin-8D1F77", string(pin), "read %q, %v", pin, err)
	require.Equal(t, make([]byte, len(buf)), buf, "the file buffer still holds %q", buf)
}

// TestNoPINFlag: there is no way to put the PIN in argv; a --pin flag is a
// usage error that does not echo its value.
func TestNoPINFlag(t *testing.T) {
	for _, args := range [][]string{
		{"airwrap", "--pin", "pin-in-argv-7731", "key", "list"},
		{"airwrap", "key", "list", "--pin", "pin-in-argv-7731"},
	} {
		var out, errb bytes.Buffer
		code := run(args, strings.NewReader(""), &out, &errb)
		require.Equal(t, 2, code, "%q exited %d, want 2 (usage)", args, code)
		require.NotContains(t, out.String()+errb.String(), "pin-in-argv-7731", "%q: the value is echoed:\n%s%s", args, out.String(), errb.String())
	}
}
