package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/verify"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "verify an import bundle's signatures against pinned public keys (no HSM needed)",
		UsageText: "airwrap [global options] verify FILE --trust PEM [--trust PEM ...] [--threshold K] [--params FILE]",
		Description: `Checks the bundle parses strictly, that at least K distinct trusted keys
signed it (each key counts once), that the payload obeys the KMS rules, and
with --params that the bundle answers exactly that parameters file.

Example:
   airwrap verify import.json --trust ceremony-signer.pem --params params.json`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "trust", Usage: "PEM `FILE` with a trusted signer public key (repeat for each)"},
			&cli.StringFlag{Name: "threshold", Value: "1", Usage: "`K` distinct trusted signatures required"},
			&cli.StringFlag{Name: "params", Usage: "parameters `FILE` the bundle must answer"},
		},
		Action: verifyAction,
	}
}

type verifyOut struct {
	File         string   `json:"file"`
	OK           bool     `json:"ok"`
	BundleSHA256 string   `json:"bundle_sha256"`
	Signatures   int      `json:"signatures"`
	TrustedBy    []string `json:"trusted_by"`
	Threshold    int      `json:"threshold"`
	ParamsBound  bool     `json:"params_bound"`
	Entries      []string `json:"entries"`
}

func verifyAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("verify takes exactly one FILE")
	}
	if len(c.StringSlice("trust")) == 0 {
		return usagef("--trust is required (the PEM from `airwrap signer export`)")
	}
	k, err := strconv.Atoi(c.String("threshold"))
	if err != nil || k < 1 {
		return usagef("--threshold %q: want a whole number of at least 1", c.String("threshold"))
	}
	path := c.Args().First()
	data, err := bundle.ReadFile(path)
	if err != nil {
		return err
	}
	trusted, err := verify.LoadTrustFiles(c.StringSlice("trust")...)
	if err != nil {
		return err
	}
	var params []byte
	if p := c.String("params"); p != "" {
		if params, err = bundle.ReadFile(p); err != nil {
			return fmt.Errorf("--params: %w", err)
		}
	}
	v, err := ceremony.VerifyBundle(data, trusted, k, params, time.Now())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	o := verifyOut{File: path, OK: true, BundleSHA256: v.BundleSHA256, Signatures: v.Signatures, Threshold: k, ParamsBound: v.ParamsBound}
	for _, t := range v.TrustedBy {
		o.TrustedBy = append(o.TrustedBy, t.KeyID)
	}
	for _, e := range v.Payload.Entries {
		o.Entries = append(o.Entries, e.KeyARN)
	}
	return emit(c, o, func(w io.Writer) {
		fmt.Fprintf(w, "%s: OK, %d of %d signatures by trusted keys (threshold %d)\n", clikit.Escape(path), len(o.TrustedBy), o.Signatures, k)
		for _, id := range o.TrustedBy {
			field(w, 2, "signed by keyid", bundle.GroupHex(id))
		}
		if o.ParamsBound {
			field(w, 2, "answers params", c.String("params"))
		} else {
			field(w, 2, "answers params", "not checked (give --params FILE)")
		}
		for _, a := range o.Entries {
			field(w, 2, "entry", a)
		}
	})
}
