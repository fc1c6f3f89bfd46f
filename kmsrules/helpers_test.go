package kmsrules

import (
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"
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
	switch {
	case sentinel == nil && err != nil:
		t.Fatalf("want success, got:\n%v", err)
	case sentinel != nil && !errors.Is(err, sentinel):
		t.Fatalf("want %v, got:\n%v", sentinel, err)
	case msg != "" && !slices.Contains(strings.Split(fmt.Sprint(err), "\n"), msg):
		t.Fatalf("want the line\n  %s\ngot:\n%v", msg, err)
	}
}
