package kmsimport

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseSigningKey: no --sign-key file content panics; an accepted key is
// a signer type airwrap verifies. Seeded with the published test keys.
func FuzzParseSigningKey(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "bundle", "testdata", "keys", "*.pem"))
	require.NoError(f, err, "empty seed corpus")
	require.NotEmpty(f, files, "empty seed corpus")
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseSigningKey(data)
		if err != nil {
			require.ErrorIs(t, err, ErrParamsSigner, "not ErrParamsSigner: %v", err)
			return
		}
		err = checkSignerKey(s.Public())
		require.NoError(t, err, "accepted an unusable key")
	})
}
