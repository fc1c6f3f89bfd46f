package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/airwrap/airwrap/internal/clikit"
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
		_, err := c.App.Writer.Write(clikit.EscapeJSON(buf.Bytes()))
		return err
	}
	text(c.App.Writer)
	return nil
}

// field prints "indent name: value" with the value escaped.
func field(w io.Writer, indent int, name, value string) {
	fmt.Fprintf(w, "%*s%s: %s\n", indent, "", name, clikit.Escape(value))
}
