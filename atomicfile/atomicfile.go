// Package atomicfile writes output files that either land complete or not at
// all, and never replace an existing file, even when racing another writer.
//
// A file is written to a temporary name in the same directory, synced, then
// hard-linked to its final name (link(2) fails if the name exists, unlike
// rename(2)), the temporary name is removed and the directory is synced.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
)

// ErrExists is returned (wrapped) when an output path already exists.
var ErrExists = errors.New("file already exists")

// WriteNew writes data to path with permissions perm. It refuses, with
// ErrExists, if path exists. A failed call leaves nothing behind.
func WriteNew(path string, data []byte, perm os.FileMode) error {
	var s Staged
	s.Add(path, data, perm)
	return s.Commit()
}

// CheckAbsent reports, all at once, every path that already exists.
func CheckAbsent(paths ...string) error {
	var errs []error
	for _, p := range paths {
		if err := checkAbsent(p); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func checkAbsent(path string) error {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return fmt.Errorf("%s: %w", path, ErrExists)
	case errors.Is(err, os.ErrNotExist):
		return nil
	default:
		return fmt.Errorf("%s: %w", path, err)
	}
}
