package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsimport"
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
	k, err := threshold(c)
	if err != nil {
		return err
	}
	data, err := bundle.ReadFile(path)
	if err != nil {
		return err
	}
	var payload *bundle.ImportPayload
	if trust := c.StringSlice("trust"); len(trust) > 0 {
		o, err := kmsimport.OpenBundle(kmsimport.OpenRequest{Bundle: data, TrustFiles: trust, Threshold: k, Now: time.Now(), AfterImport: true})
		if err != nil {
			return err
		}
		payload = o.Payload
	} else {
		if payload, err = kmsimport.ReadPayloadUnverified(data); err != nil {
			return err
		}
		fmt.Fprintln(c.App.ErrWriter, "airwrap-online: warning: no --trust: the bundle's signatures are not checked, so this proves KMS matches the file, not that the file is authentic")
	}
	var rc *kmsimport.Receipt
	if rp := c.String("receipt"); rp != "" {
		b, err := bundle.ReadFile(rp)
		if err != nil {
			return err
		}
		if rc, err = kmsimport.ParseReceipt(b); err != nil {
			return err
		}
		if rc.BundleSHA256 != bundle.SHA256Hex(data) {
			return errReceiptMismatch{rp, path}
		}
	}
	api, err := kmsClient(c)
	if err != nil {
		return err
	}
	res, verr := kmsimport.VerifyImport(c.Context, api, payload, rc, rand.Reader)
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

// errReceiptMismatch: the receipt was written for another bundle.
type errReceiptMismatch struct{ receipt, bundle string }

func (e errReceiptMismatch) Error() string {
	return fmt.Sprintf("%s is the receipt of another bundle than %s", e.receipt, e.bundle)
}

func (e errReceiptMismatch) Hint() string {
	return "pass the receipt that `airwrap-online submit` wrote for this bundle, or leave --receipt out"
}
