package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// errPINFileMode: the PIN file is open to others, as ssh refuses a private
// key file that group or others may read or write.
var errPINFileMode = errors.New("PIN file accessible by others")

// readFile reads a file that only its owner may access (readOwnerOnly);
// tests replace it to see the buffer it returned.
var readFile = readOwnerOnly

// readOwnerOnly reads path, refusing it when group or others have any
// permission on it. The mode is taken from the opened file, so the file read
// is the file checked.
func readOwnerOnly(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has permissions %04o, it must be accessible by its owner only (chmod 600 %s)", errPINFileMode, path, m, path)
	}
	return io.ReadAll(f)
}

// readPINFile reads the PIN from path without its line ending. The file's
// bytes are zeroed once the PIN is copied out: the caller's copy (zeroed
// by hsm.Open after login) is the only one left.
func readPINFile(path string) ([]byte, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("--pin-file: %w", err)
	}
	defer clear(b)
	pin := bytes.TrimRight(b, "\r\n")
	if len(pin) == 0 {
		return nil, fmt.Errorf("%w: --pin-file %s is empty", errNoPIN, path)
	}
	return bytes.Clone(pin), nil
}

// checkPINSources refuses two PIN sources at once (bad usage): which PIN
// was meant is not airwrap's guess. An empty AIRWRAP_PIN gives no PIN.
func checkPINSources(c interface{ String(string) string }) error {
	if c.String("pin-file") != "" && envPINGiven() {
		return usagef("both --pin-file and %s give a PIN: use one (unset %s, or drop --pin-file)", envPIN, envPIN)
	}
	return nil
}
