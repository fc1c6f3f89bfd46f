package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/record"
)

const planChecks = `Without the token (ceremony check, and ceremony run before it asks for the
PIN): the plan's form (YAML syntax; unknown fields, repeated keys and wrong
types, at any depth); every file it names (parameters, params_trust and
trust PEMs); the parameters as wrap reads them (signatures against
params_trust, expiry, ARNs, wrapping keys, algorithms); valid_to or
no_expiry; each key's selection (label and/or CKA_ID, one per entry, a valid
generate: key spec, hex check value); operators and their roles; and that no
output (bundle, transcript, AWS CLI files, record) exists yet, and the
directories of out: and record: do.

Only the token can tell (ceremony run, right after login, every problem at
once, before anything is generated or wrapped): that each key exists and can
be exported into KMS, its check value, that a label to generate is free, and
that the signer is the key trust: pins. Then wrap's own checks of each key
(key spec, sensitivity, the token's known-answer verdicts) run before the
first wrap.`

func ceremonyCommand() *cli.Command {
	return &cli.Command{
		Name:  "ceremony",
		Usage: "run a whole ceremony from one reviewed plan file",
		Description: `A plan (YAML, see docs/CEREMONY-PLAN.md) names the parameters file, the
trust files, the signer, the operators and witnesses, the validity and every
key; paths in it are relative to the plan's directory. Review it, check it,
then run it.

Examples:
   airwrap ceremony check plan.yaml
   airwrap ceremony run plan.yaml

` + planChecks,
		Subcommands: []*cli.Command{
			{
				Name:      "check",
				Usage:     "check a plan without the HSM or PIN: every problem at once, with file:line",
				UsageText: "airwrap [global options] ceremony check PLAN",
				Description: `No module, token or PIN is used.

` + planChecks,
				Action: ceremonyCheck,
			},
			{
				Name:      "run",
				Usage:     "check a plan, log in once, and run it: known-answer tests, generation, wraps, signature, verification, record",
				UsageText: "airwrap [global options] ceremony run PLAN",
				Description: `The plan is checked first as by ceremony check; a plan with any problem never
asks for the PIN. Then one login for the whole run, and these steps with
progress on stderr: the token's known-answer tests; the checks only the
token can answer (below); generation of the keys marked generate:; then
wrap, sign and verify as airwrap wrap does, writing the bundle (out:) and
its transcript beside it, all or nothing; then the record (record:, a PDF,
and its Markdown twin beside it) as airwrap record writes it, verified
against trust: and the parameters. No file is ever replaced.

` + planChecks,
				Action: ceremonyRun,
			},
		},
	}
}

type planCheckOut struct {
	Plan     string `json:"plan"`
	OK       bool   `json:"ok"`
	Keys     int    `json:"keys"`
	Generate int    `json:"generate"`
}

// loadPlan reads and checks the plan: ceremony.LoadPlan and the record's
// outputs, every problem at once.
func loadPlan(c *cli.Context) (*ceremony.Plan, string, error) {
	if c.NArg() != 1 {
		return nil, "", usagef("give one PLAN file")
	}
	p, err := ceremony.LoadPlan(c.Args().First(), time.Now())
	if p == nil {
		return nil, "", err
	}
	errs := []error{err}
	md := ""
	if p.RecordPDF != "" {
		md = record.MarkdownPath(p.RecordPDF)
		if md == p.RecordPDF {
			errs = append(errs, p.At("record", fmt.Errorf("%w: the record's Markdown twin would be the PDF itself: give the PDF a .pdf name", ceremony.ErrPlan)))
		} else if aerr := atomicfile.CheckAbsent(p.RecordPDF, md); aerr != nil {
			errs = append(errs, p.At("record", fmt.Errorf("%w (airwrap never replaces a file): %w", ceremony.ErrOutputExists, aerr)))
		}
	}
	return p, md, errors.Join(errs...)
}

func ceremonyCheck(c *cli.Context) error {
	p, _, err := loadPlan(c)
	if err != nil {
		return err
	}
	gen := 0
	for _, k := range p.Keys {
		if k.Generate != "" {
			gen++
		}
	}
	o := planCheckOut{Plan: p.Path, OK: true, Keys: len(p.Keys), Generate: gen}
	return emit(c, o, func(w io.Writer) {
		fmt.Fprintf(w, "plan %s: no problems found without the token (%d key(s), %d to generate)\n", clikit.Escape(p.Path), o.Keys, gen)
		fmt.Fprintln(w, "ceremony run checks after login each key's presence, exportability and check value, labels to generate, and the signer")
	})
}

type planRunOut struct {
	wrapOut
	RecordPDF      string   `json:"record_pdf"`
	RecordMarkdown string   `json:"record_markdown"`
	Generated      []keyOut `json:"generated,omitempty"`
}

func ceremonyRun(c *cli.Context) error {
	p, md, err := loadPlan(c)
	if err != nil {
		return err
	}
	if err := checkHSMFlags(c); err != nil {
		return err
	}
	res, err := ceremony.RunPlan(c.Context, p, ceremony.RunConfig{
		Open:        ceremonyToken(c),
		Progress:    c.App.ErrWriter,
		ToolVersion: version,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "airwrap: writing the record %s\n", clikit.Escape(p.RecordPDF))
	if err := writePlanRecord(p, res.Result, md); err != nil {
		return fmt.Errorf("the bundle %s and its transcript were written, but not the record (make it with `airwrap record`): %w", res.BundlePath, err)
	}
	o := planRunOut{
		wrapOut:   wrapOut{res.BundlePath, res.TranscriptPath, res.BundleSHA256, res.SignerKeyID, res.Entries, res.Files, res.AWSCLICommands},
		RecordPDF: p.RecordPDF, RecordMarkdown: md,
	}
	for _, k := range res.Generated {
		o.Generated = append(o.Generated, toKeyOut(k))
	}
	return emit(c, o, func(w io.Writer) {
		for _, k := range o.Generated {
			fmt.Fprintf(w, "generated %s key %q\n", k.KeySpec, clikit.Escape(k.Label))
			printKey(w, k)
		}
		fmt.Fprintf(w, "wrapped %d key(s) into %s\n", o.Entries, clikit.Escape(o.Bundle))
		field(w, 2, "transcript", o.Transcript)
		field(w, 2, "bundle sha256", o.BundleSHA256)
		field(w, 2, "signed by keyid", o.SignerKeyID)
		field(w, 2, "record", o.RecordPDF+" and "+o.RecordMarkdown)
		if len(o.AWSCLICommands) > 0 {
			fmt.Fprintln(w, "import with the AWS CLI on the online machine:")
			for _, cmd := range o.AWSCLICommands {
				fmt.Fprintf(w, "  %s\n", clikit.Escape(cmd))
			}
		}
		fmt.Fprintln(w, "read the fingerprints aloud, then print and sign the record")
	})
}

// writePlanRecord writes the record of the bundle just made, as `airwrap
// record` would with the plan's trust and parameters.
func writePlanRecord(p *ceremony.Plan, res *ceremony.Result, md string) error {
	in := record.Input{BundlePath: res.BundlePath, TranscriptPath: res.TranscriptPath,
		Params: p.Options.Params, ParamsPath: p.Options.ParamsPath, Trusted: p.Trust, ToolVersion: version}
	var err error
	if in.Bundle, err = bundle.ReadFile(in.BundlePath); err != nil {
		return err
	}
	if in.Transcript, err = bundle.ReadFile(in.TranscriptPath); err != nil {
		return err
	}
	doc, err := record.Build(in)
	if err != nil {
		return err
	}
	return doc.Write(p.RecordPDF, md)
}
