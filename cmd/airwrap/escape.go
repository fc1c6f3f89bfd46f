package main

import (
	"fmt"
	"strings"
	"unicode"
)

// escape makes a string safe to print: control and other non-printable
// characters (terminal escape sequences, bidi overrides, newlines from
// hostile files or flags) become Go-style escapes such as \x1b and \u202e,
// as %q writes them in error messages.
func escape(s string) string {
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
