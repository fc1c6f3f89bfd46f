package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoDir: a file is to be written in a directory that does not exist.
var ErrNoDir = errors.New("the directory to write in does not exist")

// CheckDirs reports, all at once, every path whose directory is missing or
// not a directory: where a later WriteNew or Commit would fail after the
// work that made the data (the files are not created here).
func CheckDirs(paths ...string) error {
	var errs []error
	for _, p := range paths {
		dir := filepath.Dir(p)
		fi, err := os.Stat(dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			errs = append(errs, fmt.Errorf("%s: %w: %s", p, ErrNoDir, dir))
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
		case !fi.IsDir():
			errs = append(errs, fmt.Errorf("%s: %w: %s is not a directory", p, ErrNoDir, dir))
		}
	}
	return errors.Join(errs...)
}
