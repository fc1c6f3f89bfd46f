package ceremony

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/verify"
)

// Verified is what VerifyBundle established.
type Verified struct {
	Payload      *bundle.ImportPayload
	TrustedBy    []verify.TrustedKey // distinct trusted keys whose signatures verify
	Signatures   int
	ParamsBound  bool // the bundle answers the parameters file given
	BundleSHA256 string
}

// VerifyBundle is `airwrap verify`: the bundle parses strictly, at least
// threshold distinct trusted keys signed it, the payload obeys the rules, and
// when params is not nil, the bundle answers exactly that parameters file.
func VerifyBundle(data []byte, trusted []verify.TrustedKey, threshold int, params []byte, now time.Time) (*Verified, error) {
	env, err := bundle.ParseEnvelope(data)
	if err != nil {
		return nil, err
	}
	payload, by, err := verify.VerifyEnvelope(env, trusted, threshold)
	if err != nil {
		return nil, err
	}
	p, err := bundle.ParseImportPayload(payload)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	errs := []error{verify.CheckImport(p, now)}
	if params != nil {
		errs = append(errs, verify.CheckImportAgainstParams(p, params))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Verified{Payload: p, TrustedBy: by, Signatures: len(env.Signatures), ParamsBound: params != nil, BundleSHA256: bundle.SHA256Hex(data)}, nil
}
