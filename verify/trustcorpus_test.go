package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func trustCorpus(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "trust", "*.pem"))
	require.NoError(t, err, "testdata/trust: %d files, %v", len(files), err)
	require.GreaterOrEqual(t, len(files), 5, "testdata/trust: %d files, %v", len(files), err)
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
				require.Error(t, rerr, "valid trust file: %v (.err present: %v)", err, rerr == nil)
				require.NoError(t, err, "valid trust file: %v (.err present: %v)", err, rerr == nil)
				require.Len(t, keys, 1, "valid trust file: %v (.err present: %v)", err, rerr == nil)
				return
			}
			require.NoError(t, rerr)
			require.ErrorIs(t, err, ErrTrustKey, "got  %v\nwant %s: %s", err, f, want)
			require.Equal(t, f+": "+strings.TrimSuffix(string(want), "\n"), err.Error(), "got  %v\nwant %s: %s", err, f, want)
		})
	}
}

// An oversized trust file is refused without reading it all.
func TestTrustFileOversized(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.pem")
	err := os.WriteFile(p, make([]byte, 64<<10+1), 0o644)
	require.NoError(t, err)
	_, err = LoadTrustFiles(p)
	want := p + ": trusted key is not acceptable: larger than 64 KiB"
	require.ErrorIs(t, err, ErrTrustKey, "got  %v\nwant %s", err, want)
	require.Equal(t, want, err.Error(), "got  %v\nwant %s", err, want)
}

// FuzzLoadTrust: no PEM input panics; an accepted key is a signer type
// airwrap verifies, with its key id.
func FuzzLoadTrust(f *testing.F) {
	for _, file := range trustCorpus(f) {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := LoadTrust(data)
		if err != nil {
			require.ErrorIs(t, err, ErrTrustKey, "not ErrTrustKey: %v", err)
			return
		}
		_, err = signerAlgorithm(k.Public)
		require.NoError(t, err, "accepted an unusable key")
		require.Len(t, k.KeyID, 64, "accepted an unusable key: %v", err)
	})
}
