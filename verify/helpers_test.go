package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

// The vectors and published test keys of package bundle are reused here.
const vectors = "../bundle/testdata"

// now is a moment when the vectors' parameters are still valid.
var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func readVector(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectors, rel))
	require.NoError(t, err)
	return b
}

func trustOf(t testing.TB, name string) TrustedKey {
	t.Helper()
	k, err := LoadTrust(keys.PublicPEM(t, name))
	require.NoError(t, err)
	return k
}

func validParams(t testing.TB, name string) *bundle.Params {
	t.Helper()
	p, err := bundle.ParseParams(readVector(t, "params/"+name))
	require.NoError(t, err)
	return p
}

func validPayload(t testing.TB, name string) *bundle.ImportPayload {
	t.Helper()
	p, err := bundle.ParseImportPayload(readVector(t, "payload/"+name))
	require.NoError(t, err)
	return p
}

// wantErr checks err against a sentinel and, when msg is not empty, that
// msg is one of err's lines (every problem is a line of the joined error).
func wantErr(t *testing.T, err, sentinel error, msg string) {
	t.Helper()
	if sentinel == nil {
		require.NoError(t, err, "want success, got:\n%v", err)
		return
	}
	require.ErrorIs(t, err, sentinel, "want %v, got:\n%v", sentinel, err)
	if msg != "" {
		require.Contains(t, strings.Split(err.Error(), "\n"), msg, "want the line\n  %s\ngot:\n%v", msg, err)
	}
}
