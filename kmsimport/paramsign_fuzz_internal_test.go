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
	if err != nil || len(files) == 0 {
		f.Fatalf("empty seed corpus: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
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
