package main

import (
	"bytes"
	"fmt"
	"os"
)

// readFile is os.ReadFile; tests replace it to see the buffer it returned.
var readFile = os.ReadFile

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
