package bundle

import (
	"encoding/base64"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// Envelope is a DSSE envelope (https://github.com/secure-systems-lab/dsse).
type Envelope = dsse.Envelope

// Signature is one DSSE signature: keyid and base64 sig.
type Signature = dsse.Signature

// PAE is the DSSE pre-authentication encoding that signatures cover.
func PAE(payloadType string, payload []byte) []byte { return dsse.PAE(payloadType, payload) }

// ParseEnvelope parses an import bundle file strictly: exactly the fields
// payloadType, payload and signatures[{keyid, sig}], payloadType
// ImportPayloadType, standard padded base64, 1..MaxSignatures signatures with
// distinct lowercase-hex SHA-256 key ids, and the canonical encoding byte for
// byte (MarshalEnvelope of the result). It does not verify signatures
// (verify.VerifyEnvelope does) and does not parse the payload.
func ParseEnvelope(data []byte) (*Envelope, error) {
	return parseEnvelope(data, ImportPayloadType)
}

// parseEnvelope is ParseEnvelope for one payloadType: an import bundle or
// signed parameters (SPEC.md 4.1, 2.1): the same strict, canonical envelope.
func parseEnvelope(data []byte, payloadType string) (*Envelope, error) {
	var p problems
	root, ok := parseTree(data, depthEnvelope, &p)
	if !ok {
		return nil, p.err()
	}
	o := p.object("", root)
	env := &Envelope{PayloadType: o.enum("payloadType", true, payloadType)}
	if n, path := o.typed("payload", true, kindString); n != nil {
		// Re-encoded, not kept as read: the canonical check then compares
		// the file with the one spelling of these bytes (R8, R15).
		if b := decodeB64(&p, path, n.s, 1, MaxFileSize); b != nil {
			env.Payload = base64.StdEncoding.EncodeToString(b)
		}
	}
	elems, path := o.array("signatures", true, 1, MaxSignatures)
	seen := map[string]int{}
	for i, n := range elems {
		sp := indexPath(path, i)
		so := p.object(sp, n)
		s := Signature{KeyID: so.hexString("keyid", true, 64, 0)}
		if sig := so.b64("sig", true, 1, MaxSignatureSize); sig != nil {
			s.Sig = base64.StdEncoding.EncodeToString(sig)
		}
		so.done()
		if j, dup := seen[s.KeyID]; dup && s.KeyID != "" {
			p.add(joinPath(sp, "keyid"), "same key as signatures[%d]", j)
		}
		seen[s.KeyID] = i
		env.Signatures = append(env.Signatures, s)
	}
	o.done()
	checkCanonical(&p, data, func() ([]byte, error) { return encodeEnvelope(env) })
	if err := p.err(); err != nil {
		return nil, err
	}
	return env, nil
}

type wireEnvelope struct {
	PayloadType string          `json:"payloadType"`
	Payload     string          `json:"payload"`
	Signatures  []wireSignature `json:"signatures"`
}

type wireSignature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// MarshalEnvelope writes the canonical envelope of an import bundle or of
// signed parameters (by its payloadType): two-space indented JSON with fields
// in the order payloadType, payload, signatures (keyid, sig), and a final
// newline. It refuses what ParseEnvelope (ParseSignedParams) would refuse.
func MarshalEnvelope(env *Envelope) ([]byte, error) {
	want := ImportPayloadType
	if env.PayloadType == ParamsPayloadType {
		want = ParamsPayloadType
	}
	out, err := encodeEnvelope(env)
	return readsBack(out, err, func(b []byte) (*Envelope, error) { return parseEnvelope(b, want) })
}

// readsBack returns what an encoder wrote (out, err) only if parse accepts
// it: every Marshal refuses what its reader would refuse, so nothing airwrap
// writes fails to read back.
func readsBack[T any](out []byte, err error, parse func([]byte) (T, error)) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	if _, err := parse(out); err != nil {
		return nil, err
	}
	return out, nil
}

func encodeEnvelope(env *Envelope) ([]byte, error) {
	w := wireEnvelope{PayloadType: env.PayloadType, Payload: env.Payload, Signatures: []wireSignature{}}
	for _, s := range env.Signatures {
		w.Signatures = append(w.Signatures, wireSignature{KeyID: s.KeyID, Sig: s.Sig})
	}
	return encodeJSON(w, "  ")
}
