package bundle

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Signature convention (SPEC.md, "Signatures"): the signed message is
// PAE(payloadType, payload);
//   - ECDSA P-384: SHA-384 of it, ASN.1 DER (r, s);
//   - ECDSA P-256: SHA-256 of it, ASN.1 DER (r, s);
//   - RSA, 3072 bits or more: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 bytes.
//
// MinRSASignerBits is the smallest RSA signing key accepted.
const MinRSASignerBits = 3072

// SignerAlgorithm names the signature scheme airwrap uses with a signing key
// (ECDSA_P384, ECDSA_P256 or RSA_PSS_<bits>), or says why the key is refused.
// It is the one rule for which keys may sign; the error carries no sentinel,
// so each caller adds its own (ErrSignerKey here; the trust-file and
// parameters-signer errors in verify and kmsimport).
func SignerAlgorithm(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P384():
			return "ECDSA_P384", nil
		case elliptic.P256():
			return "ECDSA_P256", nil
		}
		return "", fmt.Errorf("ECDSA on %s (want P-256 or P-384)", k.Curve.Params().Name)
	case *rsa.PublicKey:
		if k.N.BitLen() < MinRSASignerBits {
			return "", fmt.Errorf("RSA %d bits (want at least %d)", k.N.BitLen(), MinRSASignerBits)
		}
		return fmt.Sprintf("RSA_PSS_%d", k.N.BitLen()), nil
	}
	return "", fmt.Errorf("%T (want ECDSA P-256/P-384 or RSA >= %d bits)", pub, MinRSASignerBits)
}

// scheme returns the digest and signer options for a public key.
func scheme(pub crypto.PublicKey) (crypto.Hash, crypto.SignerOpts, error) {
	alg, err := SignerAlgorithm(pub)
	switch {
	case err != nil:
		return 0, nil, fmt.Errorf("%w: %w", ErrSignerKey, err)
	case alg == "ECDSA_P384":
		return crypto.SHA384, crypto.SHA384, nil
	case alg == "ECDSA_P256":
		return crypto.SHA256, crypto.SHA256, nil
	}
	return crypto.SHA256, &rsa.PSSOptions{SaltLength: 32, Hash: crypto.SHA256}, nil
}

// failingReader is given to ECDSA signers, which need no randomness from
// the caller: HSM signers ignore it, Go's software ECDSA uses crypto/rand
// itself (Go 1.26), and a silent fallback to a weak source cannot happen.
// RSA-PSS needs a random salt: HSM signers take it from the HSM and ignore
// the reader; a software RSA key gets crypto/rand.Reader.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) {
	return 0, errors.New("airwrap: no randomness is supplied to signers")
}

func digest(h crypto.Hash, msg []byte) []byte {
	d := h.New()
	d.Write(msg)
	return d.Sum(nil)
}

// sign makes one signature over PAE and verifies it immediately.
func sign(s crypto.Signer, payloadType string, payload []byte) (Signature, error) {
	pub := s.Public()
	h, opts, err := scheme(pub)
	if err != nil {
		return Signature{}, err
	}
	keyID, err := KeyID(pub)
	if err != nil {
		return Signature{}, err
	}
	var random io.Reader = failingReader{}
	if _, ok := pub.(*rsa.PublicKey); ok {
		random = rand.Reader
	}
	sig, err := s.Sign(random, digest(h, PAE(payloadType, payload)), opts)
	if err != nil {
		return Signature{}, fmt.Errorf("signing with key %s: %w", keyID, err)
	}
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		if sig, err = lowS(k, sig); err != nil {
			return Signature{}, fmt.Errorf("signing with key %s: %w", keyID, err)
		}
	}
	if err := VerifySignature(pub, payloadType, payload, sig); err != nil {
		return Signature{}, fmt.Errorf("signature by key %s fails verification right after signing: %w", keyID, err)
	}
	return Signature{KeyID: keyID, Sig: base64.StdEncoding.EncodeToString(sig)}, nil
}

// SignEnvelope signs payload with each signer (distinct keys, at least one).
func SignEnvelope(payloadType string, payload []byte, signers ...crypto.Signer) (*Envelope, error) {
	if len(signers) == 0 {
		return nil, fmt.Errorf("%w: no signer given", ErrSignerKey)
	}
	env := &Envelope{PayloadType: payloadType, Payload: base64.StdEncoding.EncodeToString(payload)}
	for _, s := range signers {
		if err := AddSignature(env, s); err != nil {
			return nil, err
		}
	}
	return env, nil
}

// AddSignature adds s's signature to env (a second officer signing later).
// A key that already signed env is refused.
func AddSignature(env *Envelope, s crypto.Signer) error {
	payload, err := DecodeBase64("payload", env.Payload)
	if err != nil {
		return err
	}
	if len(env.Signatures) >= MaxSignatures {
		return fmt.Errorf("%w: envelope already has %d signatures", ErrMalformed, MaxSignatures)
	}
	sig, err := sign(s, env.PayloadType, payload)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(env.Signatures, func(x Signature) bool { return x.KeyID == sig.KeyID }) {
		return fmt.Errorf("%w: key %s has already signed this envelope", ErrSignerKey, sig.KeyID)
	}
	env.Signatures = append(env.Signatures, sig)
	return nil
}

// VerifySignature checks one raw signature by pub over PAE(payloadType, payload).
func VerifySignature(pub crypto.PublicKey, payloadType string, payload, sig []byte) error {
	h, opts, err := scheme(pub)
	if err != nil {
		return err
	}
	d := digest(h, PAE(payloadType, payload))
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, d, sig) {
			return ErrSignature
		}
		if err := checkLowS(k, sig); err != nil {
			return err
		}
	case *rsa.PublicKey:
		if err := rsa.VerifyPSS(k, h, d, sig, opts.(*rsa.PSSOptions)); err != nil {
			return fmt.Errorf("%w: %w", ErrSignature, err)
		}
	}
	return nil
}
