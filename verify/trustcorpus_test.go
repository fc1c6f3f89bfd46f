package verify

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func trustCorpus(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "trust", "*.pem"))
	if err != nil || len(files) < 5 {
		t.Fatalf("testdata/trust: %d files, %v", len(files), err)
	}
	return files
}

// TestTrustCorpus: every hostile PEM trust file fails with exactly its .err
// text (through LoadTrustFiles, as --trust and --params-trust read them).
func TestTrustCorpus(t *testing.T) {
	for _, f := range trustCorpus(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			keys, err := LoadTrustFiles(f)
			want, rerr := os.ReadFile(strings.TrimSuffix(f, ".pem") + ".err")
			if strings.HasPrefix(filepath.Base(f), "valid-") {
				if rerr == nil || err != nil || len(keys) != 1 {
					t.Fatalf("valid trust file: %v (.err present: %v)", err, rerr == nil)
				}
				return
			}
			if rerr != nil {
				t.Fatal(rerr)
			}
			if !errors.Is(err, ErrTrustKey) || err.Error() != f+": "+strings.TrimSuffix(string(want), "\n") {
				t.Fatalf("got  %v\nwant %s: %s", err, f, want)
			}
		})
	}
}

// An oversized trust file is refused without reading it all.
func TestTrustFileOversized(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.pem")
	if err := os.WriteFile(p, make([]byte, 64<<10+1), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadTrustFiles(p)
	if want := p + ": trusted key is not acceptable: larger than 64 KiB"; !errors.Is(err, ErrTrustKey) || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}

// FuzzLoadTrust: no PEM input panics; an accepted key is a signer type
// airwrap verifies, with its key id.
func FuzzLoadTrust(f *testing.F) {
	for _, file := range trustCorpus(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := LoadTrust(data)
		if err != nil {
			if !errors.Is(err, ErrTrustKey) {
				t.Fatalf("not ErrTrustKey: %v", err)
			}
			return
		}
		if _, err := signerAlgorithm(k.Public); err != nil || len(k.KeyID) != 64 {
			t.Fatalf("accepted an unusable key: %v", err)
		}
	})
}
