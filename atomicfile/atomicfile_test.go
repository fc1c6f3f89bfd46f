package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := WriteNew(p, []byte("hello"), 0o640); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "hello" {
		t.Fatalf("read back %q, %v", got, err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o640 {
		t.Fatalf("perm %v, want 0640", fi.Mode().Perm())
	}
	assertOnly(t, dir, "out.json")
}

func TestWriteNewRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := WriteNew(p, []byte("new"), 0o600)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old" {
		t.Fatalf("existing file changed to %q", got)
	}
	assertOnly(t, dir, "out.json")
}

// The file appears between the up-front check and the link: link(2) must
// still refuse, and the racing file must survive.
func TestWriteNewRaceNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	setHook(t, func(stage, path string) error {
		if stage == "link" {
			return os.WriteFile(p, []byte("racer"), 0o600)
		}
		return nil
	})
	err := WriteNew(p, []byte("mine"), 0o600)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "racer" {
		t.Fatalf("racing file replaced: %q", got)
	}
	assertOnly(t, dir, "out.json")
}

func TestWriteNewConcurrentOneWins(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = WriteNew(p, []byte{byte(i)}, 0o600)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, ErrExists) {
			t.Fatalf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d writers succeeded, want 1", ok)
	}
	assertOnly(t, dir, "out")
}

func TestWriteNewFailureLeavesNothing(t *testing.T) {
	for _, stage := range []string{"write", "link", "syncdir"} {
		t.Run(stage, func(t *testing.T) {
			dir := t.TempDir()
			boom := errors.New("injected")
			setHook(t, func(s, _ string) error {
				if s == stage {
					return boom
				}
				return nil
			})
			err := WriteNew(filepath.Join(dir, "out"), []byte("x"), 0o600)
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want injected", err)
			}
			assertOnly(t, dir)
		})
	}
}

func TestWriteNewMissingDir(t *testing.T) {
	dir := t.TempDir()
	err := WriteNew(filepath.Join(dir, "nope", "out"), []byte("x"), 0o600)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not-exist", err)
	}
	assertOnly(t, dir)
}

func TestStagedAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	var s Staged
	s.Add(filepath.Join(dir, "a"), []byte("a"), 0o600)
	s.Add(filepath.Join(sub, "b"), []byte("b"), 0o600)
	s.Add(filepath.Join(dir, "c"), []byte("c"), 0o600)
	boom := errors.New("injected")
	setHook(t, func(stage, path string) error {
		if stage == "link" && filepath.Base(path) == "c" {
			return boom
		}
		return nil
	})
	if err := s.Commit(); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want injected", err)
	}
	assertOnly(t, dir, "sub")
	assertOnly(t, sub)

	testHook = nil
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "a", "c", "sub")
	assertOnly(t, sub, "b")
}

func TestStagedCheckReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var s Staged
	s.Add(filepath.Join(dir, "a"), nil, 0o600)
	s.Add(filepath.Join(dir, "b"), nil, 0o600)
	s.Add(filepath.Join(dir, "c"), nil, 0o600)
	s.Add(filepath.Join(dir, "c"), nil, 0o600)
	err := s.Commit()
	if !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v", err)
	}
	var j interface{ Unwrap() []error }
	if !errors.As(err, &j) || len(j.Unwrap()) != 3 {
		t.Fatalf("want 3 joined errors, got %v", err)
	}
	assertOnly(t, dir, "a", "b")
}

func setHook(t *testing.T, h func(stage, path string) error) {
	t.Helper()
	testHook = h
	t.Cleanup(func() { testHook = nil })
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
	for i := range got {
		if got[i] != names[i] {
			t.Fatalf("%s holds %v, want %v", dir, got, names)
		}
	}
}
