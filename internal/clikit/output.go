package clikit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Emit prints v to w as indented JSON when asJSON, else calls text(w). JSON
// goes through EscapeJSON, text output escapes each value through Field.
func Emit(w io.Writer, asJSON bool, v any, text func(w io.Writer)) error {
	if !asJSON {
		text(w)
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(EscapeJSON(buf.Bytes()))
	return err
}

// Field prints "indent name: value" with the name and the value escaped:
// either may carry data (a KMS key ARN or KeyMaterialId as a name).
func Field(w io.Writer, indent int, name, value string) {
	fmt.Fprintf(w, "%*s%s: %s\n", indent, "", Escape(name), Escape(value))
}
