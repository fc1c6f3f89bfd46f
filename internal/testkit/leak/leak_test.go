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
)

// TestScanFindsEveryForm: the scan sees a secret in each form, and
// refuses a secret too short to mean anything.
func TestScanFindsEveryForm(t *testing.T) {
	dir := t.TempDir()
	s := keys.Material("planted", 32)
	h := hex.EncodeToString(s)
	for i, form := range []string{string(s), h, strings.ToUpper(h), base64.StdEncoding.EncodeToString(s), base64.RawURLEncoding.EncodeToString(s)} {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprint(i)), []byte("x"+form+"y"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	found, files, err := Scan(map[string][]byte{"planted": s}, dir)
	if err != nil || files != 5 || len(found) < 5 {
		t.Fatalf("found %d of 5 planted forms in %d files (%v): %q", len(found), files, err, found)
	}
	if found, _, err := Scan(map[string][]byte{"other": keys.Material("other", 32)}, dir); err != nil || len(found) != 0 {
		t.Fatalf("a secret not planted was found: %q, %v", found, err)
	}
	if _, _, err := Scan(map[string][]byte{"short": []byte("1234567")}, dir); err == nil {
		t.Fatal("a 7-byte secret was scanned for")
	}
}
