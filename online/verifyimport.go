package online

import (
	"context"
	"io"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsimport"
)

// ErrReceiptMismatch: the receipt was written for another bundle
// (kmsimport.Receipt.CheckBundle).
var ErrReceiptMismatch = kmsimport.ErrReceiptMismatch

// VerifyImportRequest is `airwrap-online verify-import`.
type VerifyImportRequest struct {
	BundlePath  string
	ReceiptPath string   // "": no receipt
	TrustFiles  []string // none: the signatures are not checked (Note says so)
	Threshold   int
	Client      Client
	Note        func(string)
	Rand        io.Reader
}

// VerifyImport opens the bundle (Open after the import, with TrustFiles;
// else unverified), checks the receipt is this bundle's, and asks KMS to
// prove it holds the material (kmsimport.VerifyImport). The results are
// returned with the proofs' error, if any.
func VerifyImport(ctx context.Context, req VerifyImportRequest) ([]kmsimport.ProofResult, error) {
	data, err := bundle.ReadFile(req.BundlePath)
	if err != nil {
		return nil, err
	}
	var payload *bundle.ImportPayload
	if len(req.TrustFiles) > 0 {
		o, err := Open(OpenRequest{Bundle: data, TrustFiles: req.TrustFiles, Threshold: req.Threshold, Now: time.Now(), AfterImport: true})
		if err != nil {
			return nil, err
		}
		payload = o.Payload
	} else {
		if payload, err = ReadPayloadUnverified(data); err != nil {
			return nil, err
		}
		if req.Note != nil {
			req.Note("warning: no --trust: the bundle's signatures are not checked, so this proves KMS matches the file, not that the file is authentic")
		}
	}
	var rc *kmsimport.Receipt
	if req.ReceiptPath != "" {
		b, err := bundle.ReadFile(req.ReceiptPath)
		if err != nil {
			return nil, err
		}
		if rc, err = kmsimport.ParseReceipt(b); err != nil {
			return nil, err
		}
		if err := rc.CheckBundle(req.ReceiptPath, req.BundlePath, bundle.SHA256Hex(data)); err != nil {
			return nil, err
		}
	}
	api, err := req.Client()
	if err != nil {
		return nil, err
	}
	return kmsimport.VerifyImport(ctx, api, payload, rc, req.Rand)
}
