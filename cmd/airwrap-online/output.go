package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

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

// progress is where progress lines go: stderr, escaped line by line.
type progress struct{ w io.Writer }

// Raw is the writer underneath, where a progress bar is drawn on a terminal.
func (p progress) Raw() io.Writer { return p.w }

func (p progress) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if _, err := fmt.Fprintf(p.w, "airwrap-online: %s\n", clikit.Escape(line)); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}
