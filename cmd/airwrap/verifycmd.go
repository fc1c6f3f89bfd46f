package main

import (
	"fmt"
	"io"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "verify an import bundle's signatures against pinned public keys (no HSM needed)",
		UsageText: "airwrap [global options] verify FILE --trust PEM [--trust PEM ...] [--threshold K] [--params FILE] [--transcript FILE] [--require-transcript]",
		Description: `Checks the bundle parses strictly, that at least K distinct trusted keys
signed it (each key counts once), that the payload obeys the KMS rules, and
with --params that the bundle answers exactly that parameters file.

The transcript beside the bundle (FILE.transcript.jsonl, or --transcript) is
checked too: its chain holds, the payload's transcript_sha256 is the hash of
its "payload.built" line, and only the lines wrap and cosign write follow
(one "signed", then one "cosigned" per cosignature, naming this payload, its
signers in order and, last, this bundle file). A transcript that fails is an
error. A missing one is a warning on stderr (exit 0), or with
--require-transcript an error.

Example:
   airwrap verify import.json --trust ceremony-signer.pem --params params.json`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "trust", Usage: "PEM `FILE` with a trusted signer public key (repeat for each)"},
			&cli.StringFlag{Name: "threshold", Value: "1", Usage: "`K` distinct trusted signatures required"},
			&cli.StringFlag{Name: "params", Usage: "parameters `FILE` the bundle must answer"},
			&cli.StringFlag{Name: "transcript", Usage: "the bundle's transcript `FILE` (default: FILE.transcript.jsonl beside the bundle)"},
			&cli.BoolFlag{Name: "require-transcript", Usage: "a missing transcript is an error, not a warning"},
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
	// Transcript is the file checked; empty when none was found.
	Transcript        string `json:"transcript,omitempty"`
	TranscriptLines   int    `json:"transcript_lines,omitempty"`
	TranscriptHead    string `json:"transcript_head_sha256,omitempty"`
	TranscriptMissing bool   `json:"transcript_missing,omitempty"`
}

func verifyAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("verify takes exactly one FILE")
	}
	if len(c.StringSlice("trust")) == 0 {
		return usagef("--trust is required (the PEM from `airwrap signer export`)")
	}
	k, err := clikit.Threshold("--threshold", c.String("threshold"))
	if err != nil {
		return err
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
	tr, trPath, err := transcript.Load(path, c.String("transcript"), c.Bool("require-transcript"))
	if err != nil {
		return err
	}
	v, err := verify.OpenImport(verify.OpenRequest{Bundle: data, Trusted: trusted, Threshold: k, RulesAt: time.Now(), Params: params, Transcript: tr})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	o := verifyOut{File: path, OK: true, BundleSHA256: v.BundleSHA256, Signatures: len(v.Envelope.Signatures), Threshold: k, ParamsBound: params != nil}
	if v.Transcript != nil {
		o.Transcript, o.TranscriptLines, o.TranscriptHead = trPath, v.Transcript.Lines, v.Transcript.Head
	} else {
		o.TranscriptMissing = true
		fmt.Fprintf(c.App.ErrWriter, "airwrap: warning: %s\n", clikit.Escape(transcript.Missing(trPath)))
	}
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
		if o.Transcript != "" {
			field(w, 2, "transcript", fmt.Sprintf("%s: %d lines, head %s", o.Transcript, o.TranscriptLines, o.TranscriptHead))
		} else {
			field(w, 2, "transcript", "not checked (none at "+trPath+")")
		}
		for _, a := range o.Entries {
			field(w, 2, "entry", a)
		}
	})
}
