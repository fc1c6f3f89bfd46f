package main

import (
	"fmt"
	"io"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
)

func submitCommand() *cli.Command {
	return &cli.Command{
		Name:      "submit",
		Usage:     "verify a signed import bundle, then import its key material into KMS",
		UsageText: "airwrap-online [global options] submit BUNDLE --trust PEM [--trust PEM ...] [--threshold K] (--params FILE | --no-params-check) [--transcript FILE] [--require-transcript] [--dry-run] [--receipt FILE] [--resume RECEIPT] [--rate R] [--rotate [--rotate-rate R]]",
		Description: `Everything is verified before the first AWS request: the bundle parses
strictly, at least K distinct pinned keys signed it, the parameters have not
expired, ValidTo is acceptable, the bundle answers exactly the --params file
(--params is required; --no-params-check, for a site that lost the file,
skips those bindings and says so), and the transcript beside the bundle
(BUNDLE.transcript.jsonl, or --transcript) is its record: the chain holds,
transcript_sha256 names its "payload.built" line, and only wrap's "signed"
line and cosign's "cosigned" lines follow. A transcript that fails is an
error; a missing one a warning (an error with --require-transcript). Then
every entry's key is checked with DescribeKey, and only if all pass is
ImportKeyMaterial called for each entry, paced to --rate (its quota is 15/s;
throttling is retried with backoff).

An entry succeeds only when KMS accepts its material: "imported" (the key was
PendingImport) or "already-imported" (the key was Enabled and KMS accepted the
same material again). Any error fails the entry and the command exits 1, even
on an Enabled key (an expired import token there means KMS checked nothing).
Re-running a bundle of first imports or reimports is safe. --dry-run stops
before ImportKeyMaterial. Ctrl-C (or SIGTERM) stops between two requests:
the receipt keeps what was done, and the command printed resumes (exit 130).
New key material (NEW_KEY_MATERIAL, or a replica's share of it) KMS refuses
a second time, so that command names the interrupted run's receipt with
--resume RECEIPT: it must be a receipt of this bundle naming only its
entries (else an error before any AWS request); each entry it records
imported is reported "imported-earlier" with its KeyMaterialId and not sent
again, and a replica of such a primary imports with that KeyMaterialId (KMS
refuses the replica's material if it is not that id's). With --rotate, the
entries imported by either run are rotated.
The receipt (JSON, never replaced) records each entry's outcome, the
KeyMaterialId KMS returned for this bundle's material, request id and time.

Rotation (symmetric keys): an entry wrapped with --import-type
NEW_KEY_MATERIAL into an Enabled key leaves the new material
PENDING_ROTATION. --rotate then completes it after every import of the
bundle: for each such entry imported by this run, ListKeyRotations must show
the KeyMaterialId KMS returned PENDING_ROTATION, then RotateKeyOnDemand
makes it CURRENT (paced to --rotate-rate; its quota is 5/s), and the receipt
records each rotation and the material now current. A multi-Region replica
is never rotated (KMS refuses it there): the rotation of its primary rotates
it, and the primary is not rotated while a replica of it in the bundle did
not take the material. Without --rotate the command that rotates later is
printed (airwrap-online rotate --key-id ARN). --rotate for a bundle without
NEW_KEY_MATERIAL is bad usage (exit 2), before any AWS request.

Example:
   airwrap-online submit import.json --trust ceremony-signer.pem --params params.json --receipt receipt.json`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "trust", Usage: "PEM `FILE` with a trusted signer public key (repeat for each)"},
			&cli.StringFlag{Name: "threshold", Value: "1", Usage: "`K` distinct trusted signatures required"},
			&cli.StringFlag{Name: "params", Usage: "parameters `FILE` the bundle must answer (required)"},
			&cli.BoolFlag{Name: "no-params-check", Usage: "without --params: skip the bundle's bindings to its parameters (a warning names them)"},
			&cli.StringFlag{Name: "transcript", Usage: "the bundle's transcript `FILE` (default: BUNDLE.transcript.jsonl)"},
			&cli.BoolFlag{Name: "require-transcript", Usage: "a missing transcript is an error, not a warning"},
			&cli.BoolFlag{Name: "dry-run", Usage: "verify and pre-check, import nothing"},
			&cli.StringFlag{Name: "receipt", Usage: "receipt `FILE` to write (never replaced)"},
			&cli.StringFlag{Name: "resume", Usage: "the receipt `FILE` an interrupted submit of this bundle wrote: the entries it imported are not sent again"},
			&cli.StringFlag{Name: "rate", Value: "15/s", Usage: "ImportKeyMaterial `RATE`: N/s or N/m (its quota is 15/s)"},
			&cli.BoolFlag{Name: "rotate", Usage: "after the imports, rotate each key given NEW_KEY_MATERIAL to it (RotateKeyOnDemand)"},
			&cli.StringFlag{Name: "rotate-rate", Value: "5/s", Usage: "RotateKeyOnDemand `RATE`: N/s or N/m (its quota is 5/s)"},
		},
		Action: submitAction,
	}
}

func submitAction(c *cli.Context) error {
	path, err := oneArg(c, "BUNDLE")
	if err != nil {
		return err
	}
	k, err := clikit.Threshold("--threshold", c.String("threshold"))
	if err != nil {
		return err
	}
	rate, err := kmsimport.ParseRate(c.String("rate"))
	if err != nil {
		return usagef("--rate: %v", err)
	}
	rotateRate, err := kmsimport.ParseRate(c.String("rotate-rate"))
	if err != nil {
		return usagef("--rotate-rate: %v", err)
	}
	rc, err := online.Submit(c.Context, online.SubmitRequest{
		BundlePath: path, TrustFiles: c.StringSlice("trust"), Threshold: k,
		ParamsPath: c.String("params"), NoParamsCheck: c.Bool("no-params-check"),
		TranscriptPath: c.String("transcript"), RequireTranscript: c.Bool("require-transcript"),
		DryRun: c.Bool("dry-run"), ReceiptPath: c.String("receipt"), ResumePath: c.String("resume"), Rate: rate,
		Rotate: c.Bool("rotate"), RotateRate: rotateRate,
		Client: func() (kmsimport.API, error) { return kmsClient(c) }, Note: note(c), Progress: progress{c.App.ErrWriter},
	})
	err = submitResumable(c, path, rc, err)
	if rc == nil {
		return err
	}
	if err := emit(c, rc, func(w io.Writer) { printReceipt(w, rc, c.String("receipt")) }); err != nil {
		return err
	}
	return err
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
		if r := e.Rotation; r != nil {
			field(w, 2, "rotation", r.Outcome)
			printRotation(w, 4, r)
		}
	}
	if path != "" {
		fmt.Fprintf(w, "receipt: %s\n", clikit.Escape(path))
	}
}

// printRotation prints the details of one rotation, as submit --rotate and
// rotate report it.
func printRotation(w io.Writer, indent int, r *kmsimport.Rotation) {
	if r.PendingKeyMaterialID != "" {
		field(w, indent, "was pending", r.PendingKeyMaterialID)
	}
	if r.CurrentKeyMaterialID != "" {
		field(w, indent, "now current", r.CurrentKeyMaterialID)
	}
	if r.RequestID != "" {
		field(w, indent, "request id", r.RequestID)
	}
	if r.Note != "" {
		field(w, indent, "note", r.Note)
	}
	if r.Error != "" {
		field(w, indent, "error", r.Error)
	}
}
