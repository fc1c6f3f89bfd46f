package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsimport"
)

func submitCommand() *cli.Command {
	return &cli.Command{
		Name:      "submit",
		Usage:     "verify a signed import bundle, then import its key material into KMS",
		UsageText: "airwrap-online [global options] submit BUNDLE --trust PEM [--trust PEM ...] [--threshold K] [--params FILE] [--dry-run] [--receipt FILE] [--rate R]",
		Description: `Everything is verified before the first AWS request: the bundle parses
strictly, at least K distinct pinned keys signed it, the parameters have not
expired, ValidTo is acceptable, and with --params the bundle answers exactly
that parameters file. Then every entry's key is checked with DescribeKey, and
only if all pass is ImportKeyMaterial called for each entry, paced to --rate
(its quota is 15/s; throttling is retried with backoff).

Re-running the same bundle is safe: a key that already holds the material is
reported "already-imported". --dry-run stops before ImportKeyMaterial. The
receipt (JSON, never replaced) records each entry's outcome, KeyMaterialId,
request id and time.

Example:
   airwrap-online submit import.json --trust ceremony-signer.pem --params params.json --receipt receipt.json`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "trust", Usage: "PEM `FILE` with a trusted signer public key (repeat for each)"},
			&cli.StringFlag{Name: "threshold", Value: "1", Usage: "`K` distinct trusted signatures required"},
			&cli.StringFlag{Name: "params", Usage: "parameters `FILE` the bundle must answer"},
			&cli.BoolFlag{Name: "dry-run", Usage: "verify and pre-check, import nothing"},
			&cli.StringFlag{Name: "receipt", Usage: "receipt `FILE` to write (never replaced)"},
			&cli.StringFlag{Name: "rate", Value: "15/s", Usage: "ImportKeyMaterial `RATE`: N/s or N/m (its quota is 15/s)"},
		},
		Action: submitAction,
	}
}

func submitAction(c *cli.Context) error {
	path, err := oneArg(c, "BUNDLE")
	if err != nil {
		return err
	}
	if len(c.StringSlice("trust")) == 0 {
		return usagef("--trust is required (the PEM from `airwrap signer export`)")
	}
	k, err := threshold(c)
	if err != nil {
		return err
	}
	rate, err := kmsimport.ParseRate(c.String("rate"))
	if err != nil {
		return usagef("--rate: %v", err)
	}
	receiptPath := c.String("receipt")
	if receiptPath != "" {
		if err := atomicfile.CheckAbsent(receiptPath); err != nil {
			return err
		}
	}
	data, err := bundle.ReadFile(path)
	if err != nil {
		return err
	}
	var params []byte
	if p := c.String("params"); p != "" {
		if params, err = bundle.ReadFile(p); err != nil {
			return err
		}
	}
	opened, err := kmsimport.OpenBundle(kmsimport.OpenRequest{Bundle: data, TrustFiles: c.StringSlice("trust"), Threshold: k, Params: params, Now: time.Now()})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "airwrap-online: %s verified: %d entries, signed by %d trusted key(s)\n", clikit.Escape(path), len(opened.Payload.Entries), len(opened.SignedBy))
	for _, id := range opened.SignedBy {
		fmt.Fprintf(c.App.ErrWriter, "airwrap-online:   signed by %s\n", bundle.GroupHex(id))
	}

	api, err := kmsClient(c)
	if err != nil {
		return err
	}
	rc, serr := kmsimport.Submit(c.Context, api, kmsimport.SubmitRequest{
		Payload: opened.Payload, BundleSHA256: opened.BundleSHA256, DryRun: c.Bool("dry-run"), Rate: rate, Progress: progress{c.App.ErrWriter},
	})
	if receiptPath != "" && rc != nil {
		b, err := kmsimport.MarshalReceipt(rc)
		if err == nil {
			err = atomicfile.WriteNew(receiptPath, b, 0o644)
		}
		if err != nil {
			return errors.Join(serr, fmt.Errorf("receipt: %w", err))
		}
	}
	if err := emit(c, rc, func(w io.Writer) { printReceipt(w, rc, receiptPath) }); err != nil {
		return err
	}
	return serr
}

func printReceipt(w io.Writer, rc *kmsimport.Receipt, path string) {
	for _, e := range rc.Entries {
		field(w, 0, e.KeyARN, e.Outcome)
		if e.KeyMaterialID != "" {
			field(w, 2, "key material id", e.KeyMaterialID)
		}
		if e.RequestID != "" {
			field(w, 2, "request id", e.RequestID)
		}
		if e.Note != "" {
			field(w, 2, "note", e.Note)
		}
	}
	if path != "" {
		fmt.Fprintf(w, "receipt: %s\n", clikit.Escape(path))
	}
}
