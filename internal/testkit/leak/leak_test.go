package leak

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

// TestScanFindsEveryForm: the scan sees a secret in each form, and
// refuses a secret too short to mean anything.
func TestScanFindsEveryForm(t *testing.T) {
	dir := t.TempDir()
	s := keys.Material("planted", 32)
	h := hex.EncodeToString(s)
	for i, form := range []string{string(s), h, strings.ToUpper(h), base64.StdEncoding.EncodeToString(s), base64.RawURLEncoding.EncodeToString(s)} {
		err := os.WriteFile(filepath.Join(dir, fmt.Sprint(i)), []byte("x"+form+"y"), 0o600)
		require.NoError(t, err)
	}
	found, files, err := Scan(map[string][]byte{"planted": s}, dir)
	require.NoError(t, err, "found %d of 5 planted forms in %d files (%v): %q", len(found), files, err, found)
	require.Equal(t, 5, files, "found %d of 5 planted forms in %d files (%v): %q", len(found), files, err, found)
	require.GreaterOrEqual(t, len(found), 5, "found %d of 5 planted forms in %d files (%v): %q", len(found), files, err, found)
	found, _, err = Scan(map[string][]byte{"other": keys.Material("other", 32)}, dir)
	require.NoError(t, err, "a secret not planted was found: %q, %v", found, err)
	require.Empty(t, found, "a secret not planted was found: %q, %v", found, err)
	_, _, err = Scan(map[string][]byte{"short": []byte("1234567")}, dir)
	require.Error(t, err, "a 7-byte secret was scanned for")
}
