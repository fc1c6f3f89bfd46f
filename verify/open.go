package verify

import (
	"errors"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/transcript"
)

// OpenRequest is an import bundle file and what to check it against. Every
// check but the parse is optional; a caller that leaves one out says so.
type OpenRequest struct {
	Bundle []byte // the import bundle file, as read
	// Trusted are the pinned signer keys. None: the signatures are not
	// checked (cosign and record without --trust, status).
	Trusted []TrustedKey
	// Threshold is the number of distinct trusted signatures required when
	// Trusted is given; 0 means 1.
	Threshold int
	// RulesAt checks the payload's own rules (CheckImport: the KMS rules,
	// the parameters' and ValidTo's expiry) at that time. Zero: not checked
	// (after the import, or for the ceremony record).
	RulesAt time.Time
	// Params is the parameters file the bundle must answer
	// (CheckImportAgainstParams). Nil: the bindings are not checked.
	Params []byte
	// Transcript is the bundle's transcript (transcript.CheckBundle).
	// Nil: not checked.
	Transcript []byte
}

// Opened is what OpenImport established about an import bundle.
type Opened struct {
	*bundle.ImportBundle              // Envelope, Raw (the signed payload) and Payload
	TrustedBy            []TrustedKey // distinct trusted keys whose signatures verify; nil without Trusted
	BundleSHA256         string
	PayloadSHA256        string
	Transcript           *transcript.Summary // nil when no transcript was given
}

// Part names what part of OpenImport a problem is about, so that a caller
// can say which file it concerns.
type Part int

// The parts of OpenImport, in the order they are checked.
const (
	PartBundle     Part = iota // the file does not parse (bundle.ReadImportBundle)
	PartSignatures             // VerifyEnvelope
	PartRules                  // CheckImport
	PartParams                 // CheckImportAgainstParams
	PartTranscript             // transcript.CheckBundle
)

// OpenError is one problem OpenImport found. Its text is the problem's own:
// it adds nothing, so callers prefix it as they need.
type OpenError struct {
	Part Part
	Err  error
}

func (e *OpenError) Error() string { return e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// Problems lists the OpenErrors in an error OpenImport returned, however
// wrapped, in order.
func Problems(err error) []*OpenError {
	switch e := err.(type) {
	case *OpenError:
		return []*OpenError{e}
	case interface{ Unwrap() []error }:
		var out []*OpenError
		for _, c := range e.Unwrap() {
			out = append(out, Problems(c)...)
		}
		return out
	case interface{ Unwrap() error }:
		return Problems(e.Unwrap())
	}
	return nil
}

// OpenImport is the one way an import bundle file is opened and verified:
// by airwrap verify, cosign and record, and by airwrap-online submit and
// verify-import. The file parses strictly (a file that does not is the only
// problem reported); then every check asked for runs and every problem is
// reported at once (errors.Join of *OpenError, in Part order): at least
// Threshold distinct trusted keys signed it, the payload obeys the rules at
// RulesAt, it answers Params, and Transcript is its record.
func OpenImport(req OpenRequest) (*Opened, error) {
	env, err := bundle.ParseEnvelope(req.Bundle)
	if err != nil {
		return nil, &OpenError{PartBundle, err}
	}
	var errs []error
	o := &Opened{BundleSHA256: bundle.SHA256Hex(req.Bundle)}
	if len(req.Trusted) > 0 {
		k := req.Threshold
		if k == 0 {
			k = 1
		}
		if _, o.TrustedBy, err = VerifyEnvelope(env, req.Trusted, k); errors.Is(err, bundle.ErrMalformed) {
			return nil, &OpenError{PartBundle, err} // payloadType or payload base64: not an import bundle
		} else if err != nil {
			errs = append(errs, &OpenError{PartSignatures, err})
		}
	}
	ib, err := bundle.ImportBundleOf(env)
	if err != nil {
		return nil, errors.Join(append(errs, &OpenError{PartBundle, err})...)
	}
	o.ImportBundle, o.PayloadSHA256 = ib, bundle.SHA256Hex(ib.Raw)
	if !req.RulesAt.IsZero() {
		if err := CheckImport(o.Payload, req.RulesAt); err != nil {
			errs = append(errs, &OpenError{PartRules, err})
		}
	}
	if req.Params != nil {
		if err := CheckImportAgainstParams(o.Payload, req.Params); err != nil {
			errs = append(errs, &OpenError{PartParams, err})
		}
	}
	if req.Transcript != nil {
		if o.Transcript, err = transcript.CheckBundle(req.Transcript, transcript.BindingFrom(ib, o.BundleSHA256)); err != nil {
			errs = append(errs, &OpenError{PartTranscript, err})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return o, nil
}
