package main

import (
	"fmt"
	"strings"
	"unicode"
)

// escape makes a string safe to print: control and other non-printable
// characters (including terminal escape sequences and bidi overrides from
// hostile files) become Go escapes; a backslash is doubled.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == unicode.ReplacementChar:
			b.WriteString(`\ufffd`)
		case r < 0x80 && !unicode.IsControl(r):
			b.WriteRune(r)
		case unicode.IsPrint(r) && !unicode.Is(unicode.Bidi_Control, r):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}
