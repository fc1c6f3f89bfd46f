package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckDirs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	err := os.WriteFile(file, nil, 0o644)
	require.NoError(t, err)
	err = CheckDirs(filepath.Join(dir, "new"), "relative-in-cwd")
	require.NoError(t, err, "existing directories")
	err = CheckDirs(filepath.Join(dir, "missing", "x"), filepath.Join(file, "x"))
	require.ErrorIs(t, err, ErrNoDir, "both problems, at once: %v", err)
	require.Equal(t, 1, strings.Count(err.Error(), "\n"), "both problems, at once: %v", err)
	require.Contains(t, err.Error(), "is not a directory", "both problems, at once: %v", err)
}
