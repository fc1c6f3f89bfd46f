package verify

import (
	"fmt"
	"strings"

	"github.com/airwrap/airwrap/bundle"
)

// VerifyEnvelope checks env against the pinned keys (SPEC.md R18-R20) and
// returns the payload bytes and the distinct trusted keys whose signatures
// verified. At least threshold distinct trusted keys must have signed; a key
// pinned twice counts once; signatures by keys not pinned are ignored (and
// named if the threshold is not met); a signature that names a pinned key
// but does not verify fails the whole envelope. It prints nothing.
func VerifyEnvelope(env *bundle.Envelope, trusted []TrustedKey, threshold int) ([]byte, []TrustedKey, error) {
	return verifyAs(env, bundle.ImportPayloadType, trusted, threshold)
}

// VerifySignedParams is VerifyEnvelope for signed parameters (SPEC.md R41):
// the same rules, payloadType bundle.ParamsPayloadType. It returns the
// parameters bundle bytes that were signed.
func VerifySignedParams(env *bundle.Envelope, trusted []TrustedKey, threshold int) ([]byte, []TrustedKey, error) {
	return verifyAs(env, bundle.ParamsPayloadType, trusted, threshold)
}

func verifyAs(env *bundle.Envelope, payloadType string, trusted []TrustedKey, threshold int) ([]byte, []TrustedKey, error) {
	if env == nil {
		return nil, nil, fmt.Errorf("%w: no envelope", bundle.ErrMalformed)
	}
	if env.PayloadType != payloadType {
		return nil, nil, fmt.Errorf("%w: payloadType %q, want %q", bundle.ErrMalformed, env.PayloadType, payloadType)
	}
	payload, err := bundle.DecodeBase64("payload", env.Payload)
	if err != nil {
		return nil, nil, err
	}
	pinned, order, err := distinct(trusted)
	if err != nil {
		return nil, nil, err
	}
	if threshold < 1 || threshold > len(order) {
		return nil, nil, fmt.Errorf("%w: threshold %d cannot be met with %d distinct trusted keys (want 1 to %d)", ErrUntrusted, threshold, len(order), len(order))
	}
	var accepted []TrustedKey
	var unknown, bad []string
	done := map[string]bool{}
	for i, s := range env.Signatures {
		k, ok := pinned[s.KeyID]
		if !ok {
			unknown = append(unknown, bundle.GroupHex(s.KeyID))
			continue
		}
		sig, err := bundle.DecodeBase64(fmt.Sprintf("signatures[%d].sig", i), s.Sig)
		if err == nil {
			err = bundle.VerifySignature(k.Public, env.PayloadType, payload, sig)
		}
		if err != nil {
			bad = append(bad, fmt.Sprintf("signatures[%d] by trusted key %s", i, describeKey(k)))
			continue
		}
		if !done[k.KeyID] {
			done[k.KeyID] = true
			accepted = append(accepted, k)
		}
	}
	if len(bad) > 0 {
		return nil, nil, fmt.Errorf("%w: %s does not verify: the bundle was altered after signing", ErrUntrusted, strings.Join(bad, ", "))
	}
	if len(accepted) < threshold {
		ignored := ""
		if len(unknown) > 0 {
			ignored = "; ignored signatures by keys not trusted: " + strings.Join(unknown, ", ")
		}
		var keys []string
		for _, id := range order {
			keys = append(keys, describeKey(pinned[id]))
		}
		return nil, nil, fmt.Errorf("%w: %d of %d required signatures by trusted keys%s; trusted keys: %s", ErrUntrusted, len(accepted), threshold, ignored, strings.Join(keys, ", "))
	}
	return payload, accepted, nil
}

// distinct indexes trusted keys by key id recomputed from the key itself;
// the same key pinned twice appears once.
func distinct(trusted []TrustedKey) (map[string]TrustedKey, []string, error) {
	m := map[string]TrustedKey{}
	var order []string
	for _, k := range trusted {
		if _, err := signerAlgorithm(k.Public); err != nil {
			return nil, nil, err
		}
		id, err := bundle.KeyID(k.Public)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrTrustKey, err)
		}
		if _, dup := m[id]; dup {
			continue
		}
		k.KeyID = id
		m[id] = k
		order = append(order, id)
	}
	return m, order, nil
}

// describeKey is a pinned key's full fingerprint, grouped as the other
// side's inspect prints it, and the file it came from.
func describeKey(k TrustedKey) string {
	if k.Source != "" {
		return bundle.GroupHex(k.KeyID) + " (" + k.Source + ")"
	}
	return bundle.GroupHex(k.KeyID)
}
