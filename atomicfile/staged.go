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
//
// On Linux the temporary files are unnamed (O_TMPFILE) and get their only
// name from linkat(2), so a process killed at any point leaves no temporary
// file behind; elsewhere, or where the file system cannot, a named
// temporary file is used and a kill can leave one (".NAME.tmp-*").
//
// Commit links the files in the reverse order of Add: the first file added
// is the last to appear. Add first the file whose presence means "done"
// (the bundle): if a kill lands between two links, that file is absent.
type Staged struct {
	files []stagedFile
}

type stagedFile struct {
	path string
	data []byte
	perm os.FileMode
	anon *os.File // unnamed temporary file, open until linked (Linux)
	tmp  string   // named temporary file, where unnamed ones are impossible
}

// noAnonymous forces named temporary files (tests of the fallback).
var noAnonymous bool

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
	for i := len(s.files) - 1; i >= 0; i-- {
		f := &s.files[i]
		if err := hook("link", f.path); err != nil {
			return err
		}
		if err := f.link(); err != nil {
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
	var tf *os.File
	if !noAnonymous {
		var ok bool
		tf, ok, err = openAnonymous(dir, f.perm)
		if err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
		if ok {
			f.anon = tf // closed by removeTemps, after the link
		}
	}
	if f.anon == nil {
		tf, err = os.CreateTemp(dir, "."+base+".tmp-*")
		if err != nil {
			return fmt.Errorf("%s: %w", f.path, err)
		}
		f.tmp = tf.Name()
		defer func() {
			if cerr := tf.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("%s: %w", f.path, cerr)
			}
		}()
	}
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

// link gives the written temporary file its final name; it fails if the
// name exists.
func (f *stagedFile) link() error {
	if f.anon != nil {
		return linkAnonymous(f.anon, f.path)
	}
	return os.Link(f.tmp, f.path)
}

func (s *Staged) removeTemps() {
	var tmps []string
	for i := range s.files {
		if s.files[i].anon != nil {
			_ = s.files[i].anon.Close()
			s.files[i].anon = nil
		}
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
