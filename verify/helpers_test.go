package verify

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
)

// The vectors and published test keys of package bundle are reused here.
const vectors = "../bundle/testdata"

// now is a moment when the vectors' parameters are still valid.
var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func readVector(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectors, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func trustOf(t testing.TB, name string) TrustedKey {
	t.Helper()
	k, err := LoadTrust(keys.PublicPEM(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func validParams(t testing.TB, name string) *bundle.Params {
	t.Helper()
	p, err := bundle.ParseParams(readVector(t, "params/"+name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func validPayload(t testing.TB, name string) *bundle.ImportPayload {
	t.Helper()
	p, err := bundle.ParseImportPayload(readVector(t, "payload/"+name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// wantErr checks err against a sentinel and, when msg is not empty, that
// msg is one of err's lines (every problem is a line of the joined error).
func wantErr(t *testing.T, err, sentinel error, msg string) {
	t.Helper()
	if sentinel == nil {
		if err != nil {
			t.Fatalf("want success, got:\n%v", err)
		}
		return
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("want %v, got:\n%v", sentinel, err)
	}
	if msg != "" && !contains(strings.Split(err.Error(), "\n"), msg) {
		t.Fatalf("want the line\n  %s\ngot:\n%v", msg, err)
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}
