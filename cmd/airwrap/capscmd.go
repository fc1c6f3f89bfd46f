package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/clikit"
)

// `hsm info --out FILE --signer LABEL`: the token's measured capabilities,
// signed by the ceremony signer, for the online side (bundle/SPEC.md 6.1).

func capsFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out", Usage: "write the token's capabilities, signed by --signer, to `FILE` (never replaced) for airwrap-online prepare --token-capabilities"},
		&cli.StringFlag{Name: "signer", Usage: "with --out: `LABEL` of the ceremony signing key in this HSM"},
	}
}

// checkCapsFlags: --out and --signer go together, and --out must not exist,
// before the HSM opens.
func checkCapsFlags(c *cli.Context) error {
	out, signer := c.String("out"), c.String("signer")
	switch {
	case out == "" && signer == "":
		return nil
	case out == "":
		return usagef("--signer only goes with --out")
	case signer == "":
		return usagef("--out needs --signer LABEL: the capabilities are signed by the ceremony signer")
	}
	return atomicfile.CheckAbsent(out)
}

type capsOut struct {
	Out          string   `json:"out"`
	SHA256       string   `json:"sha256"`
	Signer       string   `json:"signer"`
	Exportable   []string `json:"exportable_key_specs"`
	Unexportable []string `json:"unexportable_key_specs"`
}

// writeCaps writes the signed capabilities when --out is given; nil otherwise.
func writeCaps(c *cli.Context, t *hsm.Token) (*capsOut, error) {
	if c.String("out") == "" {
		return nil, nil
	}
	s, err := t.FindSigner(c.String("signer"))
	if err != nil {
		return nil, fmt.Errorf("--signer %q: %w", c.String("signer"), err)
	}
	data, caps, err := ceremony.WriteCapabilities(t, s, c.String("out"), version, time.Now())
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	o := &capsOut{Out: c.String("out"), SHA256: bundle.SHA256Hex(data), Signer: s.Label(), Exportable: []string{}, Unexportable: []string{}}
	for _, k := range caps.KeySpecs {
		if len(k.ExportAlgorithms) > 0 {
			o.Exportable = append(o.Exportable, k.KeySpec)
		} else {
			o.Unexportable = append(o.Unexportable, k.KeySpec)
		}
	}
	return o, nil
}

func printCaps(w io.Writer, o *capsOut) {
	if o == nil {
		return
	}
	fmt.Fprintf(w, "wrote %s (sha256 %s), signed by %q\n", clikit.Escape(o.Out), o.SHA256, clikit.Escape(o.Signer))
	field(w, 2, "exportable key specs", fmt.Sprint(o.Exportable))
	field(w, 2, "never exportable", fmt.Sprint(o.Unexportable))
	fmt.Fprintln(w, "carry it to the online side: airwrap-online prepare --token-capabilities FILE --capabilities-trust SIGNER.pem")
}

// checkGenerate is `key generate`'s refusal of a key spec this token could
// never export (by its self-test); with --allow-unexportable a warning.
func checkGenerate(c *cli.Context, t *hsm.Token, spec string) error {
	err := ceremony.CheckExportable(t, spec)
	if err == nil || !c.Bool("allow-unexportable") {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "airwrap: warning: %s (--allow-unexportable)\n", clikit.Escape(err.Error()))
	return nil
}
