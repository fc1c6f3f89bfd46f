package main

import (
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/internal/inspect"
)

// inspectCommand is `airwrap inspect` on the online side: the same
// description and the same fingerprints, so the two sides can read them to
// each other. It asks nothing of AWS.
func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show every field and the fingerprints of a parameters file, import bundle, token capabilities or PEM public key (no AWS request)",
		UsageText: "airwrap-online [global options] inspect FILE",
		Description: inspect.Help + ` Use ` + "`airwrap-online submit --dry-run`" + ` for that.

Examples:
   airwrap-online inspect params.json
   airwrap-online inspect ceremony-signer.pem   (the same as airwrap inspect ceremony-signer.pem)`,
		Action: inspectAction,
	}
}

func inspectAction(c *cli.Context) error {
	path, err := oneArg(c, "FILE")
	if err != nil {
		return err
	}
	d, err := inspect.Path(path, time.Now().UTC())
	if err != nil {
		return err
	}
	return emit(c, d, func(w io.Writer) { inspect.Print(w, d) })
}
