package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/record"
	"github.com/airwrap/airwrap/verify"
)

func recordCommand() *cli.Command {
	return &cli.Command{
		Name:      "record",
		Usage:     "print the ceremony record people sign: a PDF and its Markdown twin (no HSM needed)",
		UsageText: "airwrap [global options] record --bundle FILE --out PDF [--transcript FILE] [--markdown FILE] [--trust PEM ...] [--params FILE]",
		Description: `Turns an import bundle and its transcript into a record to print and sign
at the end of a ceremony, and a Markdown twin with the same facts for the
audit file: the ceremony's times, blank lines for the place and reference,
the HSM token and its known-answer test results, each key (KMS key ARN, HSM
label, CKA_ID, check value, key spec, wrapping), SHA-256 fingerprints in
groups of four to read aloud (parameters, wrapping public keys, import
tokens, the bundle, the signed payload, the transcript), and a signature
block for each operator the bundle records.

Nothing is written unless the transcript's hash chain verifies and the
bundle's signed transcript_sha256 names one of its lines; the error says what
failed. Strings from the files are escaped: anything that is not printable
Latin-1 is shown Go-quoted ("\u0416"), never drawn or interpreted.

With --trust the record also states which trusted keys signed the bundle
(the signature must verify); with --params, that the bundle answers that
parameters file, and the wrapping public keys are fingerprinted from it.
Without them the record says plainly that these were not checked.

The transcript defaults to BUNDLE.transcript.jsonl (a cosigned bundle has
its own, written by cosign). The Markdown twin defaults to the PDF's
name with .md. Both files are new: both appear or neither, and an existing
file is never replaced. No module, token or PIN is used.

Example:
   airwrap record --bundle import.json --trust ceremony-signer.pem --params params.json --out record.pdf
   pdftotext -layout record.pdf -     # check it reads as the screen said, then print record.pdf`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "bundle", Usage: "import bundle `FILE` (from airwrap wrap or cosign)"},
			&cli.StringFlag{Name: "transcript", Usage: "transcript `FILE` (default: BUNDLE" + ceremony.TranscriptSuffix + ")"},
			&cli.StringFlag{Name: "out", Usage: "`PDF` to write (must not exist)"},
			&cli.StringFlag{Name: "markdown", Usage: "Markdown twin `FILE` to write (default: the PDF's name with .md; must not exist)"},
			&cli.StringSliceFlag{Name: "trust", Usage: "PEM `FILE` of a signer public key to verify the bundle with (repeat for each)"},
			&cli.StringFlag{Name: "params", Usage: "parameters `FILE` the bundle must answer"},
		},
		Action: recordAction,
	}
}

type recordOut struct {
	PDF      string `json:"pdf"`
	Markdown string `json:"markdown"`
}

func recordAction(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if err := required(c, "bundle", "out"); err != nil {
		return err
	}
	in := record.Input{BundlePath: c.String("bundle"), TranscriptPath: c.String("transcript"), ParamsPath: c.String("params"), ToolVersion: version}
	if in.TranscriptPath == "" {
		in.TranscriptPath = in.BundlePath + ceremony.TranscriptSuffix
	}
	out, md := c.String("out"), c.String("markdown")
	if md == "" {
		md = record.MarkdownPath(out)
	}
	if md == out {
		return usagef("--markdown %q is the same file as --out", md)
	}
	// Every file is read before anything is checked; every problem is reported at once.
	var errs []error
	read := func(path, flag string) []byte {
		b, err := bundle.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", flag, err))
		}
		return b
	}
	in.Bundle = read(in.BundlePath, "--bundle")
	in.Transcript = read(in.TranscriptPath, "--transcript")
	if in.ParamsPath != "" {
		in.Params = read(in.ParamsPath, "--params")
	}
	if trust := c.StringSlice("trust"); len(trust) > 0 {
		var err error
		if in.Trusted, err = verify.LoadTrustFiles(trust...); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	doc, err := record.Build(in)
	if err != nil {
		return err
	}
	if err := doc.Write(out, md); err != nil {
		return err
	}
	return emit(c, recordOut{PDF: out, Markdown: md}, func(w io.Writer) {
		fmt.Fprintf(w, "wrote %s and %s: read the fingerprints aloud, then print and sign\n", clikit.Escape(out), clikit.Escape(md))
	})
}
