package clikit

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
)

// Escape makes a string safe to print on a terminal: control and other
// non-printable characters (escape sequences, bidi overrides, newlines from
// hostile files, flags or KMS answers) become Go-style escapes such as \x1b,
// \n and \u202e, as %q writes them. A backslash is left alone: error
// messages already quote values with %q, and doubling would escape them
// twice; the point is that nothing a terminal acts on gets through.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == unicode.ReplacementChar:
			b.WriteString(`\ufffd`)
		case r < 0x80 && !unicode.IsControl(r):
			b.WriteRune(r)
		case unicode.IsPrint(r) && !unicode.Is(unicode.Bidi_Control, r):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// EscapeJSON rewrites encoded JSON so that no character a terminal could act
// on reaches it: encoding/json escapes control characters below U+0020 but
// leaves bidi overrides and other non-printable runes raw inside strings.
// Every such rune becomes a \u escape, which is still the same JSON string.
// (Outside strings JSON is ASCII.)
func EscapeJSON(b []byte) []byte {
	var out bytes.Buffer
	for _, r := range string(b) {
		if r < 0x80 || (unicode.IsPrint(r) && !unicode.Is(unicode.Bidi_Control, r)) {
			out.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&out, `\u%04x`, r)
	}
	return out.Bytes()
}
