// Package transcriptcmd is the auditor's `transcript verify` command, the
// same in both CLIs: it reads files only (no HSM, no PIN, no AWS).
package transcriptcmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/transcript"
)

// Command is `PROG transcript verify FILE [--bundle B]`.
func Command(prog string) *cli.Command {
	return &cli.Command{
		Name:  "transcript",
		Usage: "check a ceremony transcript on its own, for auditors (no HSM, no PIN, no AWS)",
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return clikit.Usagef("unknown command %q for \"transcript\"", c.Args().First())
			}
			return clikit.Usagef("\"transcript\" needs a command: verify")
		},
		Subcommands: []*cli.Command{{
			Name:      "verify",
			Usage:     "check a transcript's chain and the steps after signing, and with --bundle that it is that bundle's record",
			UsageText: prog + " transcript verify FILE [--bundle BUNDLE]",
			Description: `Checks that every line chains to the one before, that exactly one
"` + transcript.StepPayloadBuilt + `" line is followed by one "` + transcript.StepSigned + `" line (written by wrap)
and then only "` + transcript.StepCosigned + `" lines (one per cosign), and prints the number
of lines, the steps and the head hash.

With --bundle it also checks the transcript is that bundle's record: the
payload's transcript_sha256 is the hash of the "` + transcript.StepPayloadBuilt + `" line, the
signature lines name its payload and its signers in order, and the last line
names that bundle file's SHA-256. The bundle's signatures are not verified
here: ` + "`airwrap verify --trust`" + ` or ` + "`airwrap-online submit`" + ` do that.

Example:
   ` + prog + ` transcript verify import.json.transcript.jsonl --bundle import.json`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "bundle", Usage: "import bundle `FILE` the transcript must be the record of"},
			},
			Action: verify,
		}},
	}
}

type out struct {
	File   string `json:"file"`
	OK     bool   `json:"ok"`
	Bundle string `json:"bundle,omitempty"`
	*transcript.Summary
}

func verify(c *cli.Context) error {
	if c.NArg() != 1 {
		return clikit.Usagef("transcript verify takes exactly one FILE")
	}
	path := c.Args().First()
	data, _, err := transcript.Load("", path, true)
	if err != nil {
		return err
	}
	var s *transcript.Summary
	if b := c.String("bundle"); b != "" {
		file, err := bundle.ReadFile(b)
		if err != nil {
			return fmt.Errorf("--bundle: %w", err)
		}
		bind, err := transcript.BindingOf(file)
		if err != nil {
			return fmt.Errorf("%s: %w", b, err)
		}
		s, err = transcript.CheckBundle(data, bind)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	} else if s, err = transcript.Check(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	o := out{File: path, OK: true, Bundle: c.String("bundle"), Summary: s}
	return clikit.Emit(c.App.Writer, c.Bool("json"), o, func(w io.Writer) {
		fmt.Fprintf(w, "%s: OK, %d lines, chain intact, only %s and %s after the payload\n", clikit.Escape(path), s.Lines, transcript.StepSigned, transcript.StepCosigned)
		clikit.Field(w, 2, "head sha256", s.Head)
		clikit.Field(w, 2, "payload built", fmt.Sprintf("line %d, sha256 %s (the bundle's transcript_sha256)", s.PayloadLine, s.PayloadHead))
		clikit.Field(w, 2, "payload sha256", s.PayloadSHA256)
		for i, id := range s.Signers {
			step := transcript.StepCosigned
			if i == 0 {
				step = transcript.StepSigned
			}
			clikit.Field(w, 2, step+" by keyid", fmt.Sprintf("%s (line %d)", id, s.PayloadLine+1+i))
		}
		clikit.Field(w, 2, "last bundle file", s.BundleSHA256)
		clikit.Field(w, 2, "steps", stepCounts(s.Steps))
		if s.BundleBound {
			clikit.Field(w, 2, "bundle", o.Bundle+": this transcript is its record (its signatures were not verified here)")
		} else {
			clikit.Field(w, 2, "bundle", "not checked (give --bundle FILE)")
		}
	})
}

// stepCounts lists the steps in order, runs of one step counted: "a, b x2, c".
func stepCounts(steps []string) string {
	var parts []string
	for i := 0; i < len(steps); {
		j := i
		for j < len(steps) && steps[j] == steps[i] {
			j++
		}
		if n := j - i; n > 1 {
			parts = append(parts, fmt.Sprintf("%s x%d", steps[i], n))
		} else {
			parts = append(parts, steps[i])
		}
		i = j
	}
	return strings.Join(parts, ", ")
}
