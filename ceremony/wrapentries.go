package ceremony

import (
	"context"
	"crypto"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/progress"
)

// challengeLen is the size of the HMAC proof challenge drawn from the HSM RNG.
const challengeLen = 32

// wrapAll wraps every entry in the HSM and gathers the import proofs.
func (r *run) wrapAll(ctx context.Context) error {
	n := len(r.p.entries)
	bar := progress.New(r.o.Progress, "airwrap: wrapping", n)
	defer bar.Done()
	for i, e := range r.p.entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		bar.Plain(fmt.Sprintf("airwrap: wrapping %d/%d: %s with HSM key %q (%s)", i+1, n, e.arn, e.label, e.alg))
		if err := r.wrapOne(e); err != nil {
			return err
		}
		bar.Step()
	}
	return nil
}

func (r *run) wrapOne(e *entry) error {
	mech, err := WrapMechanism(e.alg)
	if err != nil {
		return fmt.Errorf("%s: %w", e.path, err)
	}
	enc, err := r.wrapKey(e, mech)
	if err != nil {
		return err
	}
	if err := checkWrappedLen(e, enc); err != nil {
		return err
	}
	e.encrypted = enc
	if err := r.record("wrap", map[string]any{
		"entry":                      e.path,
		"key_arn":                    e.arn,
		"label":                      e.label,
		"wrapping_algorithm":         string(e.alg),
		"encrypted_len":              len(enc),
		"encrypted_sha256":           bundle.SHA256Hex(enc),
		"wrapping_public_key_sha256": bundle.SHA256Hex(e.pubDER),
	}); err != nil {
		return err
	}
	return r.prove(e)
}

// macWrapper is a Token that wraps an HMAC key and MACs with it under one
// check of the key (*hsm.Token does): 2 PKCS#11 calls fewer per HMAC key
// than Wrap and then MAC.
type macWrapper interface {
	WrapMAC(key *hsm.Key, wrappingKey *rsa.PublicKey, mech hsm.WrapMechanism, h crypto.Hash, data []byte) (wrapped, mac []byte, err error)
}

// wrapKey wraps e's key; an HMAC key's proof (the MAC of a challenge from
// the token's RNG) is made with the wrap where the token offers WrapMAC,
// else by prove.
func (r *run) wrapKey(e *entry, mech hsm.WrapMechanism) ([]byte, error) {
	mw, ok := r.tok.(macWrapper)
	if !ok || e.spec.Kind() != kmsrules.KindHMAC {
		enc, err := r.tok.Wrap(e.key, e.pub, mech)
		if err != nil {
			return nil, fmt.Errorf("%s: wrap %q: %w", e.path, e.label, err)
		}
		return enc, nil
	}
	ch, err := r.challenge(e)
	if err != nil {
		return nil, err
	}
	enc, mac, err := mw.WrapMAC(e.key, e.pub, mech, e.spec.MACHash(), ch)
	if err != nil {
		return nil, fmt.Errorf("%s: wrap %q and MAC the challenge: %w", e.path, e.label, err)
	}
	e.proof.Challenge, e.proof.MAC = ch, mac
	return enc, nil
}

// challenge draws an HMAC proof's challenge from the token's RNG.
func (r *run) challenge(e *entry) ([]byte, error) {
	ch, err := r.tok.Random(challengeLen)
	if err != nil {
		return nil, fmt.Errorf("%s: challenge from the token RNG: %w", e.path, err)
	}
	if len(ch) != challengeLen {
		return nil, fmt.Errorf("%s: %w: token RNG gave %d bytes, want %d", e.path, ErrSelfCheck, len(ch), challengeLen)
	}
	return ch, nil
}

// checkWrappedLen checks the HSM's output has the shape the algorithm
// gives, and that KMS takes it.
func checkWrappedLen(e *entry, enc []byte) error {
	if err := errors.Join(kmsrules.CheckWrappedLen(e.spec, e.alg, e.wrappingKeySpec, len(enc)), kmsrules.CheckBlobSize(enc)); err != nil {
		return fmt.Errorf("%s: %w: %s output: %w", e.path, ErrSelfCheck, e.alg, err)
	}
	return nil
}

// prove records what lets the online half prove the import later.
func (r *run) prove(e *entry) error {
	switch e.spec.Kind() {
	case kmsrules.KindHMAC:
		if e.proof.MAC == nil { // not made with the wrap (wrapKey)
			ch, err := r.challenge(e)
			if err != nil {
				return err
			}
			mac, err := r.tok.MAC(e.key, e.spec.MACHash(), ch)
			if err != nil {
				return fmt.Errorf("%s: MAC of the challenge: %w", e.path, err)
			}
			e.proof.Challenge, e.proof.MAC = ch, mac
		}
		e.proof.MACAlgorithm = e.spec.MACAlgorithm()
		return r.record("proof.hmac", map[string]any{
			"entry":         e.path,
			"mac_algorithm": e.spec.MACAlgorithm(),
			"challenge":     hex.EncodeToString(e.proof.Challenge),
			"mac":           hex.EncodeToString(e.proof.MAC),
		})
	case kmsrules.KindRSA, kmsrules.KindEC:
		if len(e.key.PublicKey) == 0 {
			return fmt.Errorf("%s: %w: HSM key %q has no public key to record", e.path, ErrHSMKey, e.label)
		}
		e.proof.PublicKey = e.key.PublicKey
		return r.record("proof.public_key", map[string]any{
			"entry":             e.path,
			"public_key_sha256": bundle.SHA256Hex(e.key.PublicKey),
		})
	}
	return nil
}
