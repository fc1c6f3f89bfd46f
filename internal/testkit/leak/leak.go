// Package leak looks for secrets (PINs, key material) in files a test's
// commands wrote, in every form a careless writer might use: raw, hex in
// either case, base64 and base64url. The offline CLI's noleak script
// command and crashtest's TestSecretsNeverWritten both scan with it.
package leak

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MinLen is the shortest secret worth looking for: a shorter one turns up
// by chance.
const MinLen = 8

// Forms are the encodings a secret is looked for in, by name.
func Forms(s []byte) map[string][]byte {
	h := hex.EncodeToString(s)
	return map[string][]byte{
		"raw": s, "hex": []byte(h), "HEX": []byte(strings.ToUpper(h)),
		"base64": []byte(base64.StdEncoding.EncodeToString(s)), "base64url": []byte(base64.RawURLEncoding.EncodeToString(s)),
	}
}

// Scan reports every secret (by name) that appears, in any of its Forms,
// in any file under dirs, and how many files it read. A secret shorter
// than MinLen is an error: finding nothing would prove nothing.
func Scan(secrets map[string][]byte, dirs ...string) (found []string, files int, err error) {
	type needle struct {
		what string
		b    []byte
	}
	var needles []needle
	for what, s := range secrets {
		if len(s) < MinLen {
			return nil, 0, fmt.Errorf("%s: %d bytes, too short to scan for", what, len(s))
		}
		for form, b := range Forms(s) {
			needles = append(needles, needle{what + " (" + form + ")", b})
		}
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			for _, n := range needles {
				if bytes.Contains(data, n.b) {
					found = append(found, n.what+" appears in "+p)
				}
			}
			return nil
		})
		if err != nil {
			return nil, files, err
		}
	}
	sort.Strings(found)
	return found, files, nil
}
