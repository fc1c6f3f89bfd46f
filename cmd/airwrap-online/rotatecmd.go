package main

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
)

func rotateCommand() *cli.Command {
	return &cli.Command{
		Name:      "rotate",
		Usage:     "make the new key material PENDING_ROTATION in KMS keys current (RotateKeyOnDemand)",
		UsageText: "airwrap-online [global options] rotate --key-id ARN [--key-id ARN ...] [--dry-run] [--rate R]",
		Description: `Finishes a rotation to new imported material later: after a submit
without --rotate, or one stopped before its rotations. Every key is checked
first, in the Region of its ARN: a symmetric key of origin EXTERNAL, Enabled,
not a multi-Region replica (rotate its primary: KMS rotates the replicas with
it; import the material into every replica first), and ListKeyRotations must
show material PENDING_ROTATION; each such material is shown. Only if every
key passes is RotateKeyOnDemand called for each, paced to --rate (its quota
is 5/s). The material then becomes CURRENT; the one it replaces stays
NON_CURRENT and still decrypts what it encrypted. --dry-run stops before
RotateKeyOnDemand.

Example:
   airwrap-online rotate --key-id arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "key-id", Usage: "KMS key `ARN` (repeat for each)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "check and show what is PENDING_ROTATION, rotate nothing"},
			&cli.StringFlag{Name: "rate", Value: "5/s", Usage: "RotateKeyOnDemand `RATE`: N/s or N/m (its quota is 5/s)"},
		},
		Action: rotateAction,
	}
}

func rotateAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("rotate takes no arguments: name the keys with --key-id ARN")
	}
	rate, err := kmsimport.ParseRate(c.String("rate"))
	if err != nil {
		return usagef("--rate: %v", err)
	}
	out, err := online.Rotate(c.Context, online.RotateRequest{
		KeyARNs: c.StringSlice("key-id"), DryRun: c.Bool("dry-run"), Rate: rate,
		Client: func() (kmsimport.API, error) { return kmsClient(c) }, Note: note(c), Progress: progress{c.App.ErrWriter},
	})
	if out == nil {
		return err
	}
	if err := emit(c, out, func(w io.Writer) {
		for i := range out.Rotations {
			r := &out.Rotations[i]
			field(w, 0, r.KeyARN, r.Outcome)
			printRotation(w, 2, r)
		}
	}); err != nil {
		return err
	}
	return err
}
