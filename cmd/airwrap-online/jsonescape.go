package main

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf16"
)

// escapeJSON rewrites encoded JSON so that no character a terminal could act
// on reaches it: encoding/json escapes control characters below U+0020 but
// prints bidi overrides and other non-printable runes as they are (a KMS
// answer or a file may carry them). Every such rune becomes a \u escape,
// which is still the same JSON string.
func escapeJSON(b []byte) []byte {
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
