package kmsimport_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/require"
)

// receiptCorpus lists testdata/receipt, failing if it is empty.
func receiptCorpus(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "receipt", "*.json"))
	require.NoError(t, err, "testdata/receipt: %d files, %v", len(files), err)
	require.GreaterOrEqual(t, len(files), 5, "testdata/receipt: %d files, %v", len(files), err)
	return files
}

// TestReceiptCorpus: every hostile receipt fails with exactly its .err text.
func TestReceiptCorpus(t *testing.T) {
	for _, f := range receiptCorpus(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			_, err = kmsimport.ParseReceipt(data)
			want, rerr := os.ReadFile(strings.TrimSuffix(f, ".json") + ".err")
			if strings.HasPrefix(filepath.Base(f), "valid-") {
				require.Error(t, rerr, "valid receipt: %v (.err present: %v)", err, rerr == nil)
				require.NoError(t, err, "valid receipt: %v (.err present: %v)", err, rerr == nil)
				return
			}
			require.NoError(t, rerr)
			require.Error(t, err, "got  %v\nwant %s", err, want)
			require.ErrorIs(t, err, kmsimport.ErrUsage, "got  %v\nwant %s", err, want)
			require.Equal(t, strings.TrimSuffix(string(want), "\n"), err.Error(), "got  %v\nwant %s", err, want)
		})
	}
}

// FuzzParseReceiptCorpus: no receipt panics; an accepted one round-trips.
func FuzzParseReceiptCorpus(f *testing.F) {
	for _, file := range receiptCorpus(f) {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rc, err := kmsimport.ParseReceipt(data)
		if err != nil {
			require.ErrorIs(t, err, kmsimport.ErrUsage, "not ErrUsage: %v", err)
			return
		}
		out, err := kmsimport.MarshalReceipt(rc)
		require.NoError(t, err)
		_, err = kmsimport.ParseReceipt(out)
		require.NoError(t, err, "a marshalled receipt does not parse")
	})
}
