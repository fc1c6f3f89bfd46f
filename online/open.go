package online

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/verify"
)

// Sentinel errors, checked with errors.Is. They say what is wrong; the CLI's
// hint table says what to do next.
var (
	// ErrNoParams: no parameters file was given, so the bundle's bindings to
	// the parameters it answers could not be checked.
	ErrNoParams = errors.New("no parameters file given: the bundle's bindings to its parameters cannot be checked")
	// ErrNoTrust: no trusted signer key was given.
	ErrNoTrust = errors.New("no trusted signer key given")
	// ErrTrustFile marks a trusted key file that could not be read or is not
	// a trusted key; the message is the underlying error's.
	ErrTrustFile = errors.New("trusted key file")
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
	// payload's rules, among them the parameters' and ValidTo's expiry):
	// for verify-import, days later.
	AfterImport bool
}

// ParamsBindings names what verify.CheckImportAgainstParams checks between
// an import bundle and its parameters file: what goes unchecked without one.
const ParamsBindings = "params_sha256 and params_format, and per entry key_arn, import_token, wrapping_public_key_sha256, parameters_valid_to, key_spec, wrapping_algorithm and wrapping_key_spec"

// Validate reports every problem with the request at once.
func (r OpenRequest) Validate() error {
	var errs []error
	if r.Params == nil && !r.AfterImport && !r.NoParamsCheck {
		errs = append(errs, fmt.Errorf("%w: %w", kmsimport.ErrUsage, ErrNoParams))
	}
	if r.Params != nil && r.NoParamsCheck {
		errs = append(errs, fmt.Errorf("%w: a parameters file and no parameters check: choose one", kmsimport.ErrUsage))
	}
	if len(r.TrustFiles) == 0 {
		errs = append(errs, fmt.Errorf("%w: %w", kmsimport.ErrUsage, ErrNoTrust))
	}
	if r.Threshold < 0 {
		errs = append(errs, fmt.Errorf("%w: threshold %d: want at least 1", kmsimport.ErrUsage, r.Threshold))
	}
	return errors.Join(errs...)
}

// Open verifies an import bundle completely, without any AWS call
// (verify.OpenImport): signatures against the pinned keys, the payload's own
// rules (parameters not expired, ValidTo), every binding to the parameters
// and the transcript. Before an import Params is required unless
// NoParamsCheck says otherwise. Errors start "import bundle: ".
func Open(req OpenRequest) (*verify.Opened, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	trusted, err := verify.LoadTrustFiles(req.TrustFiles...)
	if err != nil {
		return nil, errmark.With(err, ErrTrustFile)
	}
	vr := verify.OpenRequest{Bundle: req.Bundle, Trusted: trusted, Threshold: req.Threshold, Params: req.Params, Transcript: req.Transcript}
	if !req.AfterImport {
		vr.RulesAt = req.Now
	}
	o, err := verify.OpenImport(vr)
	if err != nil {
		return nil, fmt.Errorf("import bundle: %w", err)
	}
	return o, nil
}

// ReadPayloadUnverified parses an import bundle without checking signatures
// (bundle.ReadImportBundle): for read-only commands (status, verify-import
// without --trust).
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
		return nil, fmt.Errorf("%w: not a parameters bundle (signed or not), AWS CLI parameters or an import bundle (%s)", kmsimport.ErrUsage, k)
	}
	return out, nil
}
