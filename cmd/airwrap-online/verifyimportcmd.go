package main

import (
	"crypto/rand"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
)

func verifyImportCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify-import",
		Usage:     "prove, where KMS allows it, that KMS holds the material an import bundle describes",
		UsageText: "airwrap-online [global options] verify-import BUNDLE [--receipt FILE] [--trust PEM ... [--threshold K]]",
		Description: `Asymmetric keys: KMS GetPublicKey must equal the HSM key's public key in the
bundle. HMAC keys: KMS GenerateMac over the bundle's challenge must equal the
MAC the HSM computed. Symmetric keys: KMS offers no direct proof. An
Encrypt/Decrypt round trip of a random plaintext shows only that KMS holds some
usable material ("usable material, not proven"); the key is proven to hold this
bundle's material when the KeyMaterialId that ImportKeyMaterial returned for it
(in submit's --receipt) is one KMS reports for the key. A receipt KeyMaterialId
that KMS does not report fails. Exit 0 when no check failed: read each key's
verdict (--json: "verdict", "proven") for what was proven.
With --trust the bundle's signatures are checked first (expiry is not: this
runs after the import); without it the proofs only show KMS matches this file.

Example:
   airwrap-online verify-import import.json --trust ceremony-signer.pem --receipt receipt.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "receipt", Usage: "receipt `FILE` written by submit"},
			&cli.StringSliceFlag{Name: "trust", Usage: "PEM `FILE` with a trusted signer public key (repeat for each)"},
			&cli.StringFlag{Name: "threshold", Value: "1", Usage: "`K` distinct trusted signatures required"},
		},
		Action: verifyImportAction,
	}
}

func verifyImportAction(c *cli.Context) error {
	path, err := oneArg(c, "BUNDLE")
	if err != nil {
		return err
	}
	k, err := clikit.Threshold("--threshold", c.String("threshold"))
	if err != nil {
		return err
	}
	res, verr := online.VerifyImport(c.Context, online.VerifyImportRequest{
		BundlePath: path, ReceiptPath: c.String("receipt"), TrustFiles: c.StringSlice("trust"), Threshold: k,
		Client: func() (kmsimport.API, error) { return kmsClient(c) }, Note: note(c), Rand: rand.Reader,
	})
	if res == nil && verr != nil {
		return verr
	}
	if err := emit(c, res, func(w io.Writer) {
		for _, r := range res {
			verdict := "NOT PROVEN"
			switch r.Verdict {
			case kmsimport.VerdictProven:
				verdict = "proven"
			case kmsimport.VerdictUsable:
				verdict = "usable material, NOT PROVEN to be this bundle's"
			}
			field(w, 0, r.KeyARN, verdict+" ("+r.Method+")")
			if r.Detail != "" {
				field(w, 2, "detail", r.Detail)
			}
		}
	}); err != nil {
		return err
	}
	return verr
}
