package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Staged collects several outputs that must all land or none: Commit writes
// every one to a temporary file first, then links them all to their final
// names, and on any failure removes what this run linked.
type Staged struct {
	files []stagedFile
}

type stagedFile struct {
	path string
	data []byte
	perm os.FileMode
	tmp  string // temporary name once written
}

// Add stages data for path with permissions perm. Nothing is written until Commit.
func (s *Staged) Add(path string, data []byte, perm os.FileMode) {
	s.files = append(s.files, stagedFile{path: path, data: data, perm: perm})
}

// Paths returns the staged final paths in the order they were added.
func (s *Staged) Paths() []string {
	out := make([]string, len(s.files))
	for i, f := range s.files {
		out[i] = f.path
	}
	return out
}

// Check reports every staged path that already exists or is staged twice.
func (s *Staged) Check() error {
	var errs []error
	seen := map[string]bool{}
	for _, f := range s.files {
		abs, err := filepath.Abs(f.path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.path, err))
			continue
		}
		if seen[abs] {
			errs = append(errs, fmt.Errorf("%s: staged twice: %w", f.path, ErrExists))
			continue
		}
		seen[abs] = true
		if err := checkAbsent(f.path); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Commit writes every staged file. Either all final names exist with their
// full contents afterwards, or none that this call created remain.
func (s *Staged) Commit() (err error) {
	if err := s.Check(); err != nil {
		return err
	}
	defer s.removeTemps()
	for i := range s.files {
		if err := s.files[i].writeTemp(); err != nil {
			return err
		}
	}
	var linked []string
	defer func() {
		if err != nil {
			for _, p := range linked {
				_ = os.Remove(p)
			}
			syncDirs(linked)
		}
	}()
	for _, f := range s.files {
		if err := hook("link", f.path); err != nil {
			return err
		}
		if err := os.Link(f.tmp, f.path); err != nil {
			if errors.Is(err, os.ErrExist) {
				return fmt.Errorf("%s: %w", f.path, ErrExists)
			}
			return fmt.Errorf("%s: %w", f.path, err)
		}
		linked = append(linked, f.path)
	}
	if err := hook("syncdir", ""); err != nil {
		return err
	}
	return syncDirs(linked)
}

func (f *stagedFile) writeTemp() (err error) {
	dir, base := filepath.Split(f.path)
	if dir == "" {
		dir = "."
	}
	tf, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	f.tmp = tf.Name()
	defer func() {
		if cerr := tf.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("%s: %w", f.path, cerr)
		}
	}()
	if err := tf.Chmod(f.perm); err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	if _, err := tf.Write(f.data); err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	if err := hook("write", f.path); err != nil {
		return err
	}
	if err := tf.Sync(); err != nil {
		return fmt.Errorf("%s: %w", f.path, err)
	}
	return nil
}

func (s *Staged) removeTemps() {
	var tmps []string
	for i := range s.files {
		if s.files[i].tmp != "" {
			_ = os.Remove(s.files[i].tmp)
			tmps = append(tmps, s.files[i].tmp)
			s.files[i].tmp = ""
		}
	}
	syncDirs(tmps)
}

// syncDirs fsyncs the directory of every path once.
func syncDirs(paths []string) error {
	var errs []error
	done := map[string]bool{}
	for _, p := range paths {
		dir := filepath.Dir(p)
		if done[dir] {
			continue
		}
		done[dir] = true
		if err := syncDir(dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// hook is a fault-injection point for tests; nil in production.
var testHook func(stage, path string) error

func hook(stage, path string) error {
	if testHook == nil {
		return nil
	}
	return testHook(stage, path)
}
