package ceremony

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// Verified is what VerifyBundle established.
type Verified struct {
	Payload      *bundle.ImportPayload
	TrustedBy    []verify.TrustedKey // distinct trusted keys whose signatures verify
	Signatures   int
	ParamsBound  bool // the bundle answers the parameters file given
	BundleSHA256 string
	Transcript   *transcript.Summary // nil when no transcript was given
}

// VerifyBundle is `airwrap verify`: the bundle parses strictly, at least
// threshold distinct trusted keys signed it, the payload obeys the rules,
// when params is not nil the bundle answers exactly that parameters file,
// and when tr is not nil tr is this bundle's transcript (transcript.CheckBundle).
func VerifyBundle(data []byte, trusted []verify.TrustedKey, threshold int, params, tr []byte, now time.Time) (*Verified, error) {
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
	v := &Verified{Payload: p, TrustedBy: by, Signatures: len(env.Signatures), ParamsBound: params != nil, BundleSHA256: bundle.SHA256Hex(data)}
	errs := []error{verify.CheckImport(p, now)}
	if params != nil {
		errs = append(errs, verify.CheckImportAgainstParams(p, params))
	}
	if tr != nil {
		v.Transcript, err = transcript.CheckBundleFile(tr, data)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return v, nil
}
