package ceremony

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/verify"
)

// Verified is what VerifyBundle established.
type Verified struct {
	Payload      *bundle.ImportPayload
	TrustedBy    []string // keyids of trusted keys whose signatures verify
	ParamsBound  bool     // the bundle answers the --params file given
	Signatures   int
	BundleSHA256 string
}

// LoadTrust reads PEM public keys (one or more PUBLIC KEY blocks per file).
func LoadTrust(paths []string) ([]crypto.PublicKey, error) {
	var keys []crypto.PublicKey
	var errs []error
	for _, p := range paths {
		data, err := bundle.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("--trust %s: %w", p, err))
			continue
		}
		ks, err := parseTrustPEM(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("--trust %s: %w", p, err))
			continue
		}
		keys = append(keys, ks...)
	}
	return keys, errors.Join(errs...)
}

func parseTrustPEM(data []byte) ([]crypto.PublicKey, error) {
	var keys []crypto.PublicKey
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("%w: PEM block %q, want PUBLIC KEY", bundle.ErrSignerKey, b.Type)
		}
		k, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", bundle.ErrSignerKey, err)
		}
		if _, err := bundle.KeyID(k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no PUBLIC KEY PEM block", bundle.ErrSignerKey)
	}
	return keys, nil
}

// VerifyBundle checks an import bundle: strict parse, at least threshold
// distinct trusted keys' valid signatures, the payload's own rules, and when
// params is given, that the bundle answers exactly those parameters.
func VerifyBundle(data []byte, trusted []crypto.PublicKey, threshold int, params []byte, now time.Time) (*Verified, error) {
	if threshold < 1 {
		return nil, fmt.Errorf("%w: threshold %d, want at least 1", ErrInvalidRequest, threshold)
	}
	env, err := bundle.ParseEnvelope(data)
	if err != nil {
		return nil, err
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return nil, fmt.Errorf("%w: payload base64", bundle.ErrMalformed)
	}
	v := &Verified{Signatures: len(env.Signatures), BundleSHA256: bundle.SHA256Hex(data)}
	v.TrustedBy, err = trustedSignatures(env, payload, trusted)
	if err != nil {
		return nil, err
	}
	if len(v.TrustedBy) < threshold {
		return nil, fmt.Errorf("%w: %d of %d required trusted signatures verify", verify.ErrUntrusted, len(v.TrustedBy), threshold)
	}
	p, err := bundle.ParseImportPayload(payload)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	v.Payload = p
	if err := checkPayload(p, now); err != nil {
		return nil, err
	}
	if params != nil {
		if got := bundle.SHA256Hex(params); got != p.ParamsSHA256 {
			return nil, fmt.Errorf("%w: params_sha256 is %s but --params has %s", verify.ErrBinding, p.ParamsSHA256, got)
		}
		v.ParamsBound = true
	}
	return v, nil
}

// trustedSignatures returns the keyids of trusted keys with a valid
// signature; each key counts once. A signature by a trusted key that does
// not verify is an error: the bundle was changed after signing.
func trustedSignatures(env *bundle.Envelope, payload []byte, trusted []crypto.PublicKey) ([]string, error) {
	byID := map[string]crypto.PublicKey{}
	for _, k := range trusted {
		id, err := bundle.KeyID(k)
		if err != nil {
			return nil, err
		}
		byID[id] = k
	}
	var ok []string
	seen := map[string]bool{}
	for _, s := range env.Signatures {
		k, isTrusted := byID[s.KeyID]
		if !isTrusted || seen[s.KeyID] {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(s.Sig)
		if err != nil {
			return nil, fmt.Errorf("%w: signature by %s: base64", bundle.ErrMalformed, s.KeyID)
		}
		if err := bundle.VerifySignature(k, env.PayloadType, payload, sig); err != nil {
			return nil, fmt.Errorf("signature by trusted key %s: %w", s.KeyID, err)
		}
		seen[s.KeyID] = true
		ok = append(ok, s.KeyID)
	}
	return ok, nil
}
