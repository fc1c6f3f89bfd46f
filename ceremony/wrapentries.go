package ceremony

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/progress"
	"github.com/airwrap/airwrap/verify"
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
	enc, err := r.tok.Wrap(e.key, e.pub, e.alg, r.caps)
	if err != nil {
		return fmt.Errorf("%s: wrap %q: %w", e.path, e.label, err)
	}
	if err := checkWrappedLen(e, enc); err != nil {
		return err
	}
	e.encrypted = enc
	if err := r.record("wrap", map[string]any{
		"entry":                      e.path,
		"key_arn":                    e.arn,
		"label":                      e.label,
		"wrapping_algorithm":         e.alg,
		"encrypted_len":              len(enc),
		"encrypted_sha256":           bundle.SHA256Hex(enc),
		"wrapping_public_key_sha256": bundle.SHA256Hex(e.pubDER),
	}); err != nil {
		return err
	}
	return r.prove(e)
}

// checkWrappedLen checks the HSM's output has the shape the algorithm gives.
func checkWrappedLen(e *entry, enc []byte) error {
	k := e.pub.Size()
	ok := len(enc) >= verify.MinEncryptedBlobSize && len(enc) <= verify.MaxEncryptedBlobSize
	if verify.IsOAEP(e.alg) {
		ok = ok && len(enc) == k
	} else {
		ok = ok && len(enc) >= k+16 && (len(enc)-k)%8 == 0
	}
	if !ok {
		return fmt.Errorf("%s: %w: %s output of %d bytes under a %d-byte modulus", e.path, ErrSelfCheck, e.alg, len(enc), k)
	}
	return nil
}

// prove records what lets the online half prove the import later.
func (r *run) prove(e *entry) error {
	rule := verify.Rules[e.spec]
	switch rule.Kind {
	case verify.KindHMAC:
		ch, err := r.tok.Random(challengeLen)
		if err != nil {
			return fmt.Errorf("%s: challenge from the token RNG: %w", e.path, err)
		}
		if len(ch) != challengeLen {
			return fmt.Errorf("%s: %w: token RNG gave %d bytes, want %d", e.path, ErrSelfCheck, len(ch), challengeLen)
		}
		mac, err := r.tok.MAC(e.key, rule.MACAlg, ch)
		if err != nil {
			return fmt.Errorf("%s: MAC of the challenge: %w", e.path, err)
		}
		e.proof.MACAlgorithm = rule.MACAlg
		e.proof.Challenge = ch
		e.proof.MAC = mac
		return r.record("proof.hmac", map[string]any{
			"entry":         e.path,
			"mac_algorithm": rule.MACAlg,
			"challenge":     hex.EncodeToString(ch),
			"mac":           hex.EncodeToString(mac),
		})
	case verify.KindRSA, verify.KindEC:
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
