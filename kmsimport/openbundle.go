package kmsimport

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// OpenRequest is everything needed to trust an import bundle offline.
type OpenRequest struct {
	Bundle     []byte   // the import bundle file, as read
	TrustFiles []string // PEM files of pinned signer public keys
	Threshold  int      // distinct trusted signatures required; 0: 1
	// Params is the parameters file the bundle answers, as read. It is
	// required before an import (NoParamsCheck aside), not after it.
	Params []byte
	// NoParamsCheck opens the bundle without Params: ParamsBindings are
	// then not checked (for a site that lost the file; the CLI says so).
	NoParamsCheck bool
	Now           time.Time
	// Transcript, when not nil, must be the bundle's transcript
	// (transcript.CheckBundle): checked before any AWS request.
	Transcript []byte
	// AfterImport skips the checks that only matter before an import (the
	// parameters' and ValidTo's expiry): for verify-import, days later.
	AfterImport bool
}

// Opened is a verified import bundle.
type Opened struct {
	Payload      *bundle.ImportPayload
	BundleSHA256 string
	SignedBy     []string            // key ids (SHA-256 of SPKI) of the trusted keys that signed
	Transcript   *transcript.Summary // nil when no transcript was given
}

// ParamsBindings names what verify.CheckImportAgainstParams checks between
// an import bundle and its parameters file: what goes unchecked without one.
const ParamsBindings = "params_sha256 and params_format, and per entry key_arn, import_token, wrapping_public_key_sha256, parameters_valid_to, key_spec, wrapping_algorithm and wrapping_key_spec"

// OpenBundle verifies an import bundle completely, without any AWS call:
// signatures against the pinned keys, the payload's own rules (parameters
// not expired, ValidTo), and every binding to the parameters. Before an
// import Params is required unless NoParamsCheck says otherwise.
func OpenBundle(req OpenRequest) (*Opened, error) {
	if req.Threshold == 0 {
		req.Threshold = 1
	}
	if req.Params == nil && !req.AfterImport && !req.NoParamsCheck {
		return nil, withHint(fmt.Errorf("%w: %w", ErrUsage, ErrNoParams),
			"pass --params with the parameters file this bundle answers (from `airwrap-online prepare`); a site that lost it can pass --no-params-check, and these go unchecked: "+ParamsBindings)
	}
	if req.Params != nil && req.NoParamsCheck {
		return nil, fmt.Errorf("%w: a parameters file and no parameters check: choose one", ErrUsage)
	}
	if len(req.TrustFiles) == 0 {
		return nil, withHint(fmt.Errorf("%w: no trusted signer key given", ErrUsage), "pass --trust with the ceremony signer's public key (from `airwrap signer export`)")
	}
	trusted, err := verify.LoadTrustFiles(req.TrustFiles...)
	if err != nil {
		return nil, withHint(err, "each --trust must be a PEM public key file written by `airwrap signer export`")
	}
	env, err := bundle.ParseEnvelope(req.Bundle)
	if err != nil {
		return nil, withHint(fmt.Errorf("import bundle: %w", err), "the file is not an intact import bundle: copy it again from the air-gapped machine")
	}
	payload, accepted, err := verify.VerifyEnvelope(env, trusted, req.Threshold)
	if err != nil {
		return nil, withHint(fmt.Errorf("import bundle: %w", err),
			"the bundle is not signed by enough of the pinned keys: check --trust and --threshold, and that the file was not altered")
	}
	p, err := bundle.ParseImportPayload(payload)
	if err != nil {
		return nil, fmt.Errorf("import bundle payload: %w", err)
	}
	var errs []error
	if !req.AfterImport {
		if err := verify.CheckImport(p, req.Now); err != nil {
			errs = append(errs, err)
		}
	}
	if req.Params != nil {
		if err := verify.CheckImportAgainstParams(p, req.Params); err != nil {
			errs = append(errs, err)
		}
	}
	var trSummary *transcript.Summary
	if req.Transcript != nil {
		if trSummary, err = transcript.CheckBundleFile(req.Transcript, req.Bundle); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		if errors.Is(err, verify.ErrParamsExpired) {
			err = withHint(err, "import parameters last 24 hours: run `airwrap-online prepare` again, carry the new parameters across the air gap and wrap again; if this bundle was already submitted, `airwrap-online status` and `verify-import` show what KMS holds")
		}
		return nil, fmt.Errorf("import bundle: %w", err)
	}
	o := &Opened{Payload: p, BundleSHA256: bundle.SHA256Hex(req.Bundle), Transcript: trSummary}
	for _, k := range accepted {
		o.SignedBy = append(o.SignedBy, k.KeyID)
	}
	return o, nil
}

// ReadPayloadUnverified parses an import bundle without checking signatures:
// for read-only commands (status, verify-import without --trust).
func ReadPayloadUnverified(data []byte) (*bundle.ImportPayload, error) {
	ib, err := bundle.ReadImportBundle(data)
	if err != nil {
		return nil, fmt.Errorf("import bundle: %w", err)
	}
	return ib.Payload, nil
}

// KeyARNs lists the key ARNs a parameters bundle, AWS CLI parameters JSON or
// an import bundle names.
func KeyARNs(data []byte) ([]string, error) {
	var out []string
	params := func(p *bundle.Params) {
		for _, e := range p.Entries {
			out = append(out, e.KeyARN)
		}
	}
	switch k := bundle.Detect(data); k {
	case bundle.KindParams:
		p, err := bundle.ParseParams(data)
		if err != nil {
			return nil, err
		}
		params(p)
	case bundle.KindSignedParams:
		sp, err := bundle.ParseSignedParams(data)
		if err != nil {
			return nil, err
		}
		params(sp.Params)
	case bundle.KindImport:
		p, err := ReadPayloadUnverified(data)
		if err != nil {
			return nil, err
		}
		for _, e := range p.Entries {
			out = append(out, e.KeyARN)
		}
	case bundle.KindAWSCLI:
		p, err := bundle.ParseAWSCLIParams(data)
		if err != nil {
			return nil, err
		}
		out = append(out, p.KeyID)
	default:
		return nil, fmt.Errorf("%w: not a parameters bundle (signed or not), AWS CLI parameters or an import bundle (%s)", ErrUsage, k)
	}
	return out, nil
}
