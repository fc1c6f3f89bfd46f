// Package atomicfile writes output files that either land complete or not at
// all, and never replace an existing file, even when racing another writer.
//
// A file is written to an unnamed temporary file in the same directory
// (O_TMPFILE, Linux), synced, then given its final name with linkat(2),
// which fails if the name exists (unlike rename(2)); the directory is then
// synced. A process killed at any point leaves no temporary file. Where
// unnamed files are impossible (other systems, file systems without
// O_TMPFILE such as FAT), a named temporary file ".NAME.tmp-*" is linked
// and removed instead, and a kill can leave that behind.
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
