package bundle

import "fmt"

// ImportBundle is an import bundle file parsed strictly but not verified:
// its envelope, the signed payload's bytes and the payload parsed.
type ImportBundle struct {
	Envelope *Envelope
	Raw      []byte // the signed payload, as the signatures cover it
	Payload  *ImportPayload
}

// ReadImportBundle parses an import bundle file: the envelope
// (ParseEnvelope), its payload's base64 (R8) and the payload
// (ParseImportPayload). Errors name the part that failed ("payload: ...").
// Signatures are not checked: callers that act on the bundle verify them
// (verify.VerifyEnvelope); read-only callers say that they did not.
func ReadImportBundle(data []byte) (*ImportBundle, error) {
	env, err := ParseEnvelope(data)
	if err != nil {
		return nil, err
	}
	return ImportBundleOf(env)
}

// ImportBundleOf is ReadImportBundle for an envelope ParseEnvelope already
// read: its payload's base64 (R8) and the payload (ParseImportPayload).
func ImportBundleOf(env *Envelope) (*ImportBundle, error) {
	raw, err := DecodeBase64("payload", env.Payload)
	if err != nil {
		return nil, err
	}
	p, err := ParseImportPayload(raw)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return &ImportBundle{Envelope: env, Raw: raw, Payload: p}, nil
}
