package kmsimport_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
)

// receiptCorpus lists testdata/receipt, failing if it is empty.
func receiptCorpus(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "receipt", "*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("testdata/receipt: %d files, %v", len(files), err)
	}
	return files
}

// TestReceiptCorpus: every hostile receipt fails with exactly its .err text.
func TestReceiptCorpus(t *testing.T) {
	for _, f := range receiptCorpus(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = kmsimport.ParseReceipt(data)
			want, rerr := os.ReadFile(strings.TrimSuffix(f, ".json") + ".err")
			if strings.HasPrefix(filepath.Base(f), "valid-") {
				if rerr == nil || err != nil {
					t.Fatalf("valid receipt: %v (.err present: %v)", err, rerr == nil)
				}
				return
			}
			if rerr != nil {
				t.Fatal(rerr)
			}
			if err == nil || !errors.Is(err, kmsimport.ErrUsage) || err.Error() != strings.TrimSuffix(string(want), "\n") {
				t.Fatalf("got  %v\nwant %s", err, want)
			}
		})
	}
}

// FuzzParseReceiptCorpus: no receipt panics; an accepted one round-trips.
func FuzzParseReceiptCorpus(f *testing.F) {
	for _, file := range receiptCorpus(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rc, err := kmsimport.ParseReceipt(data)
		if err != nil {
			if !errors.Is(err, kmsimport.ErrUsage) {
				t.Fatalf("not ErrUsage: %v", err)
			}
			return
		}
		out, err := kmsimport.MarshalReceipt(rc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kmsimport.ParseReceipt(out); err != nil {
			t.Fatalf("a marshalled receipt does not parse: %v", err)
		}
	})
}
