package online

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/transcript"
)

// Client builds the KMS client; it is called only once every offline check
// has passed.
type Client func() (kmsimport.API, error)

// SubmitRequest is `airwrap-online submit`: the files and choices, as given.
type SubmitRequest struct {
	BundlePath        string
	TrustFiles        []string
	Threshold         int
	ParamsPath        string // required unless NoParamsCheck
	NoParamsCheck     bool
	TranscriptPath    string // "": beside the bundle (transcript.Load)
	RequireTranscript bool
	DryRun            bool
	ReceiptPath       string // "": no receipt written
	// ResumePath is the receipt an interrupted submit of this bundle wrote
	// ("": not resuming): the entries it imported are skipped
	// (kmsimport.SubmitRequest.Earlier).
	ResumePath string
	Rate       float64
	// Rotate completes the rotation of the bundle's NEW_KEY_MATERIAL
	// entries after the imports, paced to RotateRate.
	Rotate     bool
	RotateRate float64
	Client     Client
	// Note receives what the operator reads before the import (a line each,
	// escaped); Progress the import's progress.
	Note     func(string)
	Progress io.Writer
}

// Validate reports every usage problem at once, before any file is read.
func (r SubmitRequest) Validate() error {
	var errs []error
	if len(r.TrustFiles) == 0 {
		errs = append(errs, clikit.Usagef("--trust is required (the PEM from `airwrap signer export`)"))
	}
	switch {
	case r.ParamsPath == "" && !r.NoParamsCheck:
		errs = append(errs, clikit.Usagef("--params is required (the parameters file the bundle answers); without it pass --no-params-check"))
	case r.ParamsPath != "" && r.NoParamsCheck:
		errs = append(errs, clikit.Usagef("--params and --no-params-check exclude each other"))
	}
	if r.Threshold < 1 {
		errs = append(errs, clikit.Usagef("--threshold %d: want a whole number of at least 1", r.Threshold))
	}
	return errors.Join(errs...)
}

// Submit verifies the bundle completely (Open) before the first AWS request,
// then imports it (kmsimport.Submit) and writes the receipt, never replacing
// a file. The receipt is returned with the import's error, if any, so that
// the operator sees every entry's outcome; a receipt that could not be
// written is an error with no receipt.
func Submit(ctx context.Context, req SubmitRequest) (*kmsimport.Receipt, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	note := req.Note
	if note == nil {
		note = func(string) {}
	}
	if req.ReceiptPath != "" {
		if err := atomicfile.CheckAbsent(req.ReceiptPath); err != nil {
			return nil, err
		}
	}
	data, err := bundle.ReadFile(req.BundlePath)
	if err != nil {
		return nil, err
	}
	var earlier *kmsimport.Receipt
	if req.ResumePath != "" {
		b, err := bundle.ReadFile(req.ResumePath)
		if err != nil {
			return nil, err
		}
		if earlier, err = kmsimport.ParseReceipt(b); err != nil {
			return nil, err
		}
	}
	var params []byte
	if req.ParamsPath != "" {
		if params, err = bundle.ReadFile(req.ParamsPath); err != nil {
			return nil, err
		}
	}
	if req.NoParamsCheck {
		note("warning: --no-params-check: not checked against any parameters file: " + ParamsBindings)
	}
	tr, trPath, err := transcript.Load(req.BundlePath, req.TranscriptPath, req.RequireTranscript)
	if err != nil {
		return nil, err
	}
	opened, err := Open(OpenRequest{Bundle: data, TrustFiles: req.TrustFiles, Threshold: req.Threshold, Params: params, NoParamsCheck: req.NoParamsCheck, Transcript: tr, Now: time.Now()})
	if err != nil {
		return nil, err
	}
	if req.Rotate {
		if err := kmsimport.CheckRotate(opened.Payload); err != nil {
			return nil, &clikit.UsageError{Err: err}
		}
	}
	if earlier != nil {
		if err := kmsimport.CheckResume(opened.Payload, opened.BundleSHA256, earlier, req.ResumePath, req.BundlePath); err != nil {
			return nil, err
		}
		note(fmt.Sprintf("resuming from %s: %d entries imported earlier are not sent again", clikit.Escape(req.ResumePath), countHeld(opened.Payload, earlier)))
	}
	note(fmt.Sprintf("%s verified: %d entries, signed by %d trusted key(s)", clikit.Escape(req.BundlePath), len(opened.Payload.Entries), len(opened.TrustedBy)))
	for _, k := range opened.TrustedBy {
		note("  signed by " + bundle.GroupHex(k.KeyID))
	}
	if tr == nil {
		note("warning: " + clikit.Escape(transcript.Missing(trPath)))
	} else {
		note(fmt.Sprintf("%s checked: %d lines, head %s", clikit.Escape(trPath), opened.Transcript.Lines, opened.Transcript.Head))
	}

	api, err := req.Client()
	if err != nil {
		return nil, err
	}
	rc, serr := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{
		Payload: opened.Payload, BundleSHA256: opened.BundleSHA256, DryRun: req.DryRun, Rate: req.Rate,
		Rotate: req.Rotate, RotateRate: req.RotateRate, Progress: req.Progress, Earlier: earlier,
	})
	if req.ReceiptPath != "" && rc != nil {
		b, err := kmsimport.MarshalReceipt(rc)
		if err == nil {
			err = atomicfile.WriteNew(req.ReceiptPath, b, 0o644)
		}
		if err != nil {
			return nil, errors.Join(serr, fmt.Errorf("receipt: %w", err))
		}
	}
	return rc, serr
}

// countHeld is how many of the payload's entries the earlier receipt
// records as imported.
func countHeld(p *bundle.ImportPayload, earlier *kmsimport.Receipt) int {
	n := 0
	for _, e := range p.Entries {
		if _, ok := earlier.Entry(e.KeyARN); ok {
			n++
		}
	}
	return n
}
