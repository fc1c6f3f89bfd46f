package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode"
	"unicode/utf16"

	"github.com/urfave/cli/v2"
)

// emit prints v as indented JSON with --json, else calls text.
func emit(c *cli.Context, v any, text func(w io.Writer)) error {
	if c.Bool("json") {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := c.App.Writer.Write(escapeJSON(buf.Bytes()))
		return err
	}
	text(c.App.Writer)
	return nil
}

// escapeJSON rewrites non-printable and bidi-control characters, which
// encoding/json leaves raw inside strings, as \uXXXX escapes: still the same
// JSON, but safe to show on a terminal. (Outside strings JSON is ASCII.)
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

// field prints "indent name: value" with the value escaped.
func field(w io.Writer, indent int, name, value string) {
	fmt.Fprintf(w, "%*s%s: %s\n", indent, "", name, escape(value))
}
