package bundle

import (
	"crypto"
	"errors"
	"strings"
)

// SignedParams is a parameters bundle signed on the online side: a DSSE
// envelope (payloadType ParamsPayloadType) whose payload is the parameters
// bundle file byte for byte (SPEC.md 2.1).
type SignedParams struct {
	Envelope *Envelope
	Raw      []byte  // the payload: the parameters bundle bytes that were signed
	Params   *Params // Raw, parsed strictly
}

// ParseSignedParams parses signed parameters strictly: the envelope in its
// canonical form (as ParseEnvelope, but payloadType ParamsPayloadType) and
// the payload as a parameters bundle (ParseParams). Problems inside the
// payload are reported under the path "payload". It does not verify
// signatures (verify.VerifySignedParams does).
func ParseSignedParams(data []byte) (*SignedParams, error) {
	env, err := parseEnvelope(data, ParamsPayloadType)
	if err != nil {
		return nil, err
	}
	raw, err := DecodeBase64("payload", env.Payload)
	if err != nil { // parseEnvelope checked it
		return nil, err
	}
	p, err := ParseParams(raw)
	if err != nil {
		return nil, repath("payload", err)
	}
	return &SignedParams{Envelope: env, Raw: raw, Params: p}, nil
}

// SignParams signs a parameters bundle file as it is (no re-encoding) with
// each signer and returns the canonical signed parameters file. The bytes
// must parse as a parameters bundle.
func SignParams(paramsFile []byte, signers ...crypto.Signer) ([]byte, error) {
	if _, err := ParseParams(paramsFile); err != nil {
		return nil, repath("payload", err)
	}
	env, err := SignEnvelope(ParamsPayloadType, paramsFile, signers...)
	if err != nil {
		return nil, err
	}
	return MarshalEnvelope(env)
}

// repath puts every FieldError of err under prefix ("payload.entries[0]...").
func repath(prefix string, err error) error {
	var fes []error
	for _, e := range unjoin(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			path := prefix + "." + fe.Path
			if rest, ok := strings.CutPrefix(fe.Path, rootPath); ok {
				path = prefix + rest // "document" or "document[0]"
			}
			fes = append(fes, &FieldError{Path: path, Msg: fe.Msg, Err: fe.Err})
			continue
		}
		fes = append(fes, e)
	}
	return errors.Join(fes...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
