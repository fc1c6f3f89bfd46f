package main

import (
	"io"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"
)

// emit prints v as indented JSON with --json, else calls text.
func emit(c *cli.Context, v any, text func(w io.Writer)) error {
	return clikit.Emit(c.App.Writer, c.Bool("json"), v, text)
}

// field prints "indent name: value" with the value escaped.
func field(w io.Writer, indent int, name, value string) { clikit.Field(w, indent, name, value) }
