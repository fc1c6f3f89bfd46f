package kmsrules

import (
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// now is a fixed moment for the ValidTo tests.
var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// wrappingDER is one of package bundle's published test wrapping keys.
func wrappingDER(t testing.TB, bits string) []byte {
	t.Helper()
	b, err := os.ReadFile("../bundle/testdata/keys/wrap-rsa" + bits + ".pub.pem")
	require.NoError(t, err)
	block, _ := pem.Decode(b)
	require.NotNil(t, block, "no PEM")
	return block.Bytes
}

// wantErr checks err against a sentinel (nil: no error) and, when msg is
// not empty, that msg is one of err's lines.
func wantErr(t *testing.T, err, sentinel error, msg string) {
	t.Helper()
	if sentinel == nil {
		require.NoError(t, err, "want success")
	} else {
		require.ErrorIs(t, err, sentinel)
	}
	if msg != "" {
		require.Contains(t, strings.Split(fmt.Sprint(err), "\n"), msg, "want the line\n  %s\ngot:\n%v", msg, err)
	}
}
