//go:build !linux

package atomicfile

import (
	"errors"
	"os"
)

// openAnonymous: unnamed files are a Linux feature; elsewhere the caller
// falls back to a named temporary file.
func openAnonymous(dir string, perm os.FileMode) (*os.File, bool, error) {
	return nil, false, nil
}

func linkAnonymous(f *os.File, path string) error {
	return errors.New("atomicfile: unnamed files are not supported here")
}
