package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"
)

// emit prints v as indented JSON with --json, else calls text.
func emit(c *cli.Context, v any, text func(w io.Writer)) error {
	return clikit.Emit(c.App.Writer, c.Bool("json"), v, text)
}

// field prints "indent name: value" with the value escaped.
func field(w io.Writer, indent int, name, value string) { clikit.Field(w, indent, name, value) }

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
