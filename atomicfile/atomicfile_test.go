package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	err := WriteNew(p, []byte("hello"), 0o640)
	require.NoError(t, err)
	got, err := os.ReadFile(p)
	require.NoError(t, err, "read back %q, %v", got, err)
	require.Equal(t, "hello", string(got), "read back %q, %v", got, err)
	fi, _ := os.Stat(p)
	require.Equal(t, fs.FileMode(0o640), fi.Mode().Perm(), "perm %v, want 0640", fi.Mode().Perm())
	assertOnly(t, dir, "out.json")
}

func TestWriteNewRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	err := os.WriteFile(p, []byte("old"), 0o600)
	require.NoError(t, err)
	err = WriteNew(p, []byte("new"), 0o600)
	require.ErrorIs(t, err, ErrExists, "err = %v, want ErrExists", err)
	got, _ := os.ReadFile(p)
	require.Equal(t, "old", string(got), "existing file changed to %q", got)
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
	require.ErrorIs(t, err, ErrExists, "err = %v, want ErrExists", err)
	got, _ := os.ReadFile(p)
	require.Equal(t, "racer", string(got), "racing file replaced: %q", got)
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
		} else {
			require.ErrorIs(t, err, ErrExists, "unexpected error %v", err)
		}
	}
	require.Equal(t, 1, ok, "%d writers succeeded, want 1", ok)
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
			require.ErrorIs(t, err, boom, "err = %v, want injected", err)
			assertOnly(t, dir)
		})
	}
}

func TestWriteNewMissingDir(t *testing.T) {
	dir := t.TempDir()
	err := WriteNew(filepath.Join(dir, "nope", "out"), []byte("x"), 0o600)
	require.Error(t, err, "err = %v, want not-exist", err)
	require.ErrorIs(t, err, os.ErrNotExist, "err = %v, want not-exist", err)
	assertOnly(t, dir)
}

func TestStagedAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	err := os.Mkdir(sub, 0o700)
	require.NoError(t, err)
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
	err = s.Commit()
	require.ErrorIs(t, err, boom, "err = %v, want injected", err)
	assertOnly(t, dir, "sub")
	assertOnly(t, sub)

	testHook = nil
	err = s.Commit()
	require.NoError(t, err)
	assertOnly(t, dir, "a", "c", "sub")
	assertOnly(t, sub, "b")
}

func TestStagedCheckReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b"} {
		err := os.WriteFile(filepath.Join(dir, n), nil, 0o600)
		require.NoError(t, err)
	}
	var s Staged
	s.Add(filepath.Join(dir, "a"), nil, 0o600)
	s.Add(filepath.Join(dir, "b"), nil, 0o600)
	s.Add(filepath.Join(dir, "c"), nil, 0o600)
	s.Add(filepath.Join(dir, "c"), nil, 0o600)
	err := s.Commit()
	require.ErrorIs(t, err, ErrExists, "err = %v", err)
	var j interface{ Unwrap() []error }
	require.ErrorAs(t, err, &j, "want 3 joined errors, got %v", err)
	require.Len(t, j.Unwrap(), 3, "want 3 joined errors, got %v", err)
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
	require.NoError(t, err)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	require.Len(t, got, len(names), "%s holds %v, want %v", dir, got, names)
	for i := range got {
		require.Equal(t, names[i], got[i], "%s holds %v, want %v", dir, got, names)
	}
}
