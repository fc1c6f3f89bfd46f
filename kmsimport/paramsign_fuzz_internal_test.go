package kmsimport

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
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
			if !errors.Is(err, ErrParamsSigner) {
				t.Fatalf("not ErrParamsSigner: %v", err)
			}
			return
		}
		if err := checkSignerKey(s.Public()); err != nil {
			t.Fatalf("accepted an unusable key: %v", err)
		}
	})
}
