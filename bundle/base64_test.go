package bundle

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The reproduction of issue 9 item 3: the two characters \n written into the
// payload string of a valid signed import bundle. Go's base64 decoder skips
// the line feed even in strict mode, and the canonical check re-encoded the
// payload as read, so the edited file parsed, verified, and had another
// SHA-256: a second file for one signed statement.
func TestLineBreakInPayloadIsRefused(t *testing.T) {
	data, err := os.ReadFile("testdata/envelope/valid-p384.json")
	require.NoError(t, err)
	_, err = ParseEnvelope(data)
	require.NoError(t, err, "the valid vector does not parse")
	for _, ins := range []string{`\n`, `\r\n`, `\r`, `\u000a`, `\u000d\u000a`} {
		edited := insertIn(t, data, `"payload": "`, 76, ins)
		env, err := ParseEnvelope(edited)
		if err == nil {
			t.Errorf("%s in the payload: accepted (payload %d bytes); want refused", ins, len(env.Payload))
			continue
		}
		var fe *FieldError
		if assert.ErrorAs(t, err, &fe, "%s in the payload: want a payload FieldError citing SPEC.md R8, got %v", ins, err) {
			assert.Equal(t, "payload", fe.Path, "%s in the payload: want a payload FieldError citing SPEC.md R8, got %v", ins, err)
			assert.Contains(t, fe.Msg, "SPEC.md R8", "%s in the payload: want a payload FieldError citing SPEC.md R8, got %v", ins, err)
			assert.ErrorIs(t, err, ErrMalformed, "%s in the payload: want a payload FieldError citing SPEC.md R8, got %v", ins, err)
		}
	}
}

// r8Cases are values DecodeBase64 refuses, with the message after the rule.
// They also seed FuzzDecodeBase64.
var r8Cases = []struct{ in, msg string }{
	{"AAEC\n/+8=", `a line break '\n' at byte 4 of the value`},
	{"AAEC\r\n/+8=", `a line break '\r' at byte 4 of the value`},
	{"AAEC/+8=\n", `a line break '\n' at byte 8 of the value`},
	{"\nAAEC/+8=", `a line break '\n' at byte 0 of the value`},
	{"AAEC /+8=", `' ' at byte 4 of the value is not in the alphabet A-Z a-z 0-9 + / =`},
	{"AAEC\t/+8=", `'\t' at byte 4 of the value is not in the alphabet A-Z a-z 0-9 + / =`},
	{"AAEC\x00/+8=", `'\x00' at byte 4 of the value is not in the alphabet A-Z a-z 0-9 + / =`},
	{"AAEC_-8=", `'_' at byte 4 of the value is not in the alphabet A-Z a-z 0-9 + / =`},
	{"AAEC\u2028/+8=", `'\u2028' at byte 4 of the value is not in the alphabet A-Z a-z 0-9 + / =`},
	{"AAEC\xff/+8=", `'�' at byte 4 of the value is not in the alphabet A-Z a-z 0-9 + / =`},
	{"AAEC/+8", `length 7 is not a multiple of 4 (padding missing or extra)`},
	{"AAEC/+8==", `length 9 is not a multiple of 4 (padding missing or extra)`},
	{"AAEC/+9=", `misplaced padding or non-zero trailing bits at byte 7 of the value`},
	{"AA==AAEC", `misplaced padding or non-zero trailing bits at byte 4 of the value`},
}

func TestDecodeBase64(t *testing.T) {
	const ok = "AAEC/+8="      // 00 01 02 ff ef
	const two = "AAECAwQF/+8A" // 9 bytes, no padding needed
	for _, c := range r8Cases {
		_, err := DecodeBase64("entries[0].public_key", c.in)
		want := "entries[0].public_key: not standard padded base64 (SPEC.md R8): " + c.msg
		if assert.Error(t, err, "DecodeBase64(%q):\n got %v\nwant %s", c.in, err, want) {
			assert.Equal(t, want, err.Error(), "DecodeBase64(%q):\n got %v\nwant %s", c.in, err, want)
			assert.ErrorIs(t, err, ErrMalformed, "DecodeBase64(%q):\n got %v\nwant %s", c.in, err, want)
		}
	}
	for _, s := range []string{ok, two, ""} {
		b, err := DecodeBase64("x", s)
		if assert.NoError(t, err, "DecodeBase64(%q) = %x, %v: want the bytes it spells", s, b, err) {
			assert.Equal(t, s, base64.StdEncoding.EncodeToString(b), "DecodeBase64(%q) = %x, %v: want the bytes it spells", s, b, err)
		}
	}
	_, err := DecodeBase64("", "A")
	if assert.Error(t, err, "empty path: got %v, want the document path", err) {
		assert.True(t, strings.HasPrefix(err.Error(), "document: "), "empty path: got %v, want the document path", err)
	}
}

// Every place a CR or LF can go in a valid value is refused: the one rule
// has no gap at the start, the end, or beside the padding.
func TestDecodeBase64RefusesLineBreaksEverywhere(t *testing.T) {
	for _, s := range []string{"AAEC/+8=", "AAECAw==", "AAECAwQF"} {
		for i := 0; i <= len(s); i++ {
			for _, lb := range []string{"\n", "\r", "\r\n"} {
				in := s[:i] + lb + s[i:]
				b, err := DecodeBase64("x", in)
				assert.Error(t, err, "DecodeBase64(%q) = %x: want refused", in, b)
				gb, gerr := base64.StdEncoding.Strict().DecodeString(in)
				if assert.NoError(t, gerr, "Go's strict decoder refuses %q: this test no longer shows the gap it closes", in) {
					assert.Equal(t, s, base64.StdEncoding.EncodeToString(gb), "Go's strict decoder read %q as %x", in, gb)
				}
			}
		}
	}
}

// The R8 rule has one home: no file outside bundle/base64.go decodes base64
// itself (encoding/base64, or dsse's DecodeB64Payload, which also takes the
// URL alphabet). Tests may; they build hostile input.
func TestOneBase64Decoder(t *testing.T) {
	decode := regexp.MustCompile(`base64\.(Std|RawStd|URL|RawURL)Encoding[^\n]*\.Decode(String)?\(|base64\.NewDecoder\(|DecodeB64Payload\(`)
	var found []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name != ".." && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == filepath.Join("..", "bundle", "base64.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if decode.MatchString(line) {
				found = append(found, fmt.Sprintf("%s:%d: %s", path, i+1, strings.TrimSpace(line)))
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, found, "base64 decoded outside bundle.DecodeBase64 (SPEC.md R8):\n%s", strings.Join(found, "\n"))
}
