package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
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
	if v, ok := os.LookupEnv(envPIN); ok {
		t.Fatalf("%s still set after startup (%d bytes)", envPIN, len(v))
	}
	child, err := exec.Command("sh", "-c", "env").Output()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(child, []byte(envPIN+"=")) || bytes.Contains(child, []byte(st.PIN)) {
		t.Fatalf("a child process inherits the PIN")
	}
	var out, errb bytes.Buffer
	if code := run([]string{"airwrap", "key", "list"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("key list with the PIN taken at startup exited %d:\n%s", code, errb.String())
	}
	if takenPIN != nil || takenPINSet {
		t.Fatal("the PIN taken at startup is still held after use")
	}
}

// TestPINFileBufferZeroed: the buffer the PIN file was read into is zeroed;
// only the returned copy (which hsm.Open zeroes after login) holds the PIN.
func TestPINFileBufferZeroed(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pin")
	if err := os.WriteFile(p, []byte("pin-8D1F77\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var buf []byte
	readFile = func(name string) ([]byte, error) {
		b, err := os.ReadFile(name)
		buf = b
		return b, err
	}
	t.Cleanup(func() { readFile = os.ReadFile })
	pin, err := readPINFile(p)
	if err != nil || string(pin) != "pin-8D1F77" {
		t.Fatalf("read %q, %v", pin, err)
	}
	if !bytes.Equal(buf, make([]byte, len(buf))) {
		t.Fatalf("the file buffer still holds %q", buf)
	}
}

// TestNoPINFlag: there is no way to put the PIN in argv; a --pin flag is a
// usage error that does not echo its value.
func TestNoPINFlag(t *testing.T) {
	for _, args := range [][]string{
		{"airwrap", "--pin", "pin-in-argv-7731", "key", "list"},
		{"airwrap", "key", "list", "--pin", "pin-in-argv-7731"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &errb); code != 2 {
			t.Fatalf("%q exited %d, want 2 (usage)", args, code)
		}
		if strings.Contains(out.String()+errb.String(), "pin-in-argv-7731") {
			t.Fatalf("%q: the value is echoed:\n%s%s", args, out.String(), errb.String())
		}
	}
}
