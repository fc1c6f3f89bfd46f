package main

import (
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/internal/inspect"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show every field and the fingerprints of a parameters file, import bundle, token capabilities or PEM public key (no HSM needed)",
		UsageText: "airwrap [global options] inspect FILE",
		Description: inspect.Help + ` Use ` + "`airwrap verify`" + ` for that.

Examples:
   airwrap inspect params.json
   airwrap inspect ceremony-signer.pem   (the same as airwrap-online inspect ceremony-signer.pem)`,
		Action: inspectAction,
	}
}

func inspectAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("inspect takes exactly one FILE")
	}
	path := c.Args().First()
	d, err := inspect.Path(path, time.Now().UTC())
	if err != nil {
		return err
	}
	return emit(c, d, func(w io.Writer) { inspect.Print(w, d) })
}
