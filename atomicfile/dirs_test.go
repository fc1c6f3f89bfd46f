package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDirs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckDirs(filepath.Join(dir, "new"), "relative-in-cwd"); err != nil {
		t.Fatalf("existing directories: %v", err)
	}
	err := CheckDirs(filepath.Join(dir, "missing", "x"), filepath.Join(file, "x"))
	if !errors.Is(err, ErrNoDir) || strings.Count(err.Error(), "\n") != 1 || !strings.Contains(err.Error(), "is not a directory") {
		t.Fatalf("both problems, at once: %v", err)
	}
}
