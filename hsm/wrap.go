package hsm

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/pkcs11"
)

// ErrNotExtractable means the key cannot leave the HSM, not even wrapped.
var ErrNotExtractable = errors.New("key is not extractable")

// Wrap wraps key under wrappingKey with mech, in the HSM (C_WrapKey). It
// goes by the Token's own self-test verdict (SelfTest runs first if it has
// not yet): what CanWrap refuses is refused, with the reason and what to do
// instead. The wrapping public key and any ephemeral AES key are session
// objects destroyed on every path out. For private keys MaterialLen is set
// to the exact PKCS#8 length where the wrap reveals it.
func (t *Token) Wrap(key *Key, wrappingKey *rsa.PublicKey, mech WrapMechanism) (out []byte, err error) {
	return t.wrap(key, wrappingKey, mech, nil)
}

// WrapMAC is Wrap, then the HMAC with hash h (as MAC) of data under the
// same key, in one locked section under the handle Wrap checked: the key's
// check value is recomputed once for both, where Wrap and then MAC would
// recompute it twice (2 calls fewer). The ceremony's HMAC proof is this.
func (t *Token) WrapMAC(key *Key, wrappingKey *rsa.PublicKey, mech WrapMechanism, h crypto.Hash, data []byte) (wrapped, mac []byte, err error) {
	macMech, ok := hmacMechanisms[h]
	if !ok {
		return nil, nil, fmt.Errorf("%w: HMAC with %v (known: SHA-224, SHA-256, SHA-384, SHA-512)", ErrUnsupported, h)
	}
	wrapped, err = t.wrap(key, wrappingKey, mech, func(target pkcs11.ObjectHandle) error {
		mac, err = t.hmac(target, macMech, data)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return wrapped, mac, nil
}

// wrap is Wrap; then, when given, runs under the handle just wrapped,
// before the lock is released.
func (t *Token) wrap(key *Key, wrappingKey *rsa.PublicKey, mech WrapMechanism, then func(target pkcs11.ObjectHandle) error) (out []byte, err error) {
	if key == nil || wrappingKey == nil || wrappingKey.N == nil {
		return nil, fmt.Errorf("wrap: key and wrapping key are required")
	}
	if !mech.known() {
		return nil, fmt.Errorf("wrap: %s", mech)
	}
	h := mech.Hash
	t.mu.Lock()
	defer t.mu.Unlock()
	caps, err := t.capabilities()
	if err != nil {
		return nil, fmt.Errorf("self-test: %w", err)
	}
	if err := canWrap(caps, key, mech); err != nil {
		return nil, fmt.Errorf("%w: %s on token (self-test): %w", ErrUnsupported, mech, err)
	}
	target, class, now, err := t.current(key)
	if err != nil {
		return nil, err
	}
	if !now.Extractable {
		return nil, fmt.Errorf("%w: %q (CKA_EXTRACTABLE false): it can never be imported into KMS; generate an extractable key for import", ErrNotExtractable, key.Label)
	}
	if l := caps.ECPKCS8Len[now.Curve]; class == pkcs11.CKO_PRIVATE_KEY && l > 0 {
		now.MaterialLen = l // measured by the self-test: exact
	}
	n := now.MaterialLen
	pub, err := t.wrappingPublic(wrappingKey)
	if err != nil {
		return nil, err
	}
	defer t.destroy(pub, &err)
	if mech.IsOAEP() {
		out, err = t.wrapOAEP(now, h, wrappingKey, pub, target, class)
	} else {
		out, err = t.wrapRSAAES(now, h, wrappingKey, n, mech, caps, pub, target, class)
	}
	if err != nil {
		return nil, err
	}
	if then != nil {
		if err := then(target); err != nil {
			return nil, err
		}
	}
	if class == pkcs11.CKO_PRIVATE_KEY && now.MaterialLen > 0 {
		key.MaterialLen = now.MaterialLen
	}
	return out, nil
}

// CannotWrapError is why a token cannot wrap a key with a mechanism
// correctly, by its self-test verdict (CanWrap). It is ErrUnsupported.
type CannotWrapError struct {
	Mechanism WrapMechanism
	Reason    string // in the operator's terms, with what to do instead
}

func (e *CannotWrapError) Error() string { return e.Reason }

// Is makes a CannotWrapError ErrUnsupported (errors.Is).
func (e *CannotWrapError) Is(target error) bool { return target == ErrUnsupported }

// CanWrap answers, by the Token's self-test verdict (SelfTest runs first if
// it has not yet), whether this token wraps key with mech correctly: nil, or
// a *CannotWrapError saying why not. For a private key under a key wrap that
// mis-pads, only the wrap itself can tell (the PKCS#8 length is not known
// before), so Wrap may still refuse what CanWrap let through.
func (t *Token) CanWrap(key *Key, mech WrapMechanism) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	caps, err := t.capabilities()
	if err != nil {
		return fmt.Errorf("self-test: %w", err)
	}
	return canWrap(caps, key, mech)
}

func canWrap(caps *Capabilities, key *Key, mech WrapMechanism) error {
	r, ok := caps.Result(mech)
	no := func(format string, args ...any) error {
		return &CannotWrapError{Mechanism: mech, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case !ok:
		return no("%s was not self-tested on this token", mech)
	case !r.OK:
		return no("%s", r.Reason)
	case key == nil:
		return nil
	case mech.IsOAEP() && key.Class == "private" && !caps.OAEPPrivateKeys:
		return no("this token will not wrap private keys with plain RSA-OAEP (self-test); use RSA_AES_KEY_WRAP_SHA_1 or _SHA_256 for %s key %q", key.KeySpec, key.Label)
	case !mech.IsOAEP() && !caps.KWPPadsCorrectly && key.Class == "secret" && key.MaterialLen%8 != 0:
		// Secret keys' lengths are exact; for private keys only the wrap
		// reveals the PKCS#8 length, and Wrap refuses a mis-padded one.
		return no("the token's AES key wrap (%s) mis-pads material whose length is not a multiple of 8 and this key's is %d bytes: use RSAES_OAEP_* parameters where the key spec allows, or an HSM whose key wrap passes the self-test", caps.KWPMechanismName, key.MaterialLen)
	}
	return nil
}

// wrapOAEP: C_WrapKey(CKM_RSA_PKCS_OAEP) of the target under pub.
func (t *Token) wrapOAEP(key *Key, h crypto.Hash, wk *rsa.PublicKey, pub, target pkcs11.ObjectHandle, class uint) ([]byte, error) {
	out, err := t.wrapInto(oaepMech(h), rawOAEP(h), pub, target, wk.Size())
	if err != nil && class == pkcs11.CKO_PRIVATE_KEY {
		// SoftHSM 2.6.1 wraps only secret keys with RSA-OAEP (measured:
		// CKR_KEY_NOT_WRAPPABLE for EC private keys).
		return nil, fmt.Errorf("%w: the token will not wrap private key %q with %s (%w); use RSA_AES_KEY_WRAP_SHA_1 or _SHA_256 instead",
			ErrUnsupported, key.Label, oaepName(h), err)
	}
	if err != nil {
		return nil, fmt.Errorf("C_WrapKey(%s) of %q: %w", oaepName(h), key.Label, err)
	}
	if len(out) != wk.Size() {
		return nil, fmt.Errorf("C_WrapKey(%s) gave %d bytes, want %d", oaepName(h), len(out), wk.Size())
	}
	return out, nil
}

// wrapRSAAES: CKM_RSA_AES_KEY_WRAP where the self-test found it works, else
// the two-step wrap with the chosen KWP mechanism. Under a mis-padding KWP
// only 8-aligned material is wrapped.
func (t *Token) wrapRSAAES(key *Key, h crypto.Hash, wk *rsa.PublicKey, n int, alg WrapMechanism, caps *Capabilities, pub, target pkcs11.ObjectHandle, class uint) ([]byte, error) {
	if r, _ := caps.Result(alg); strings.HasPrefix(r.Mechanism, "CKM_RSA_AES_KEY_WRAP(") {
		out, err := t.wrapInto(rsaAESMech(h), rawRSAAES(h), pub, target, wk.Size()+maxWrapped)
		if err != nil {
			return nil, fmt.Errorf("C_WrapKey(%s) of %q: %w", r.Mechanism, key.Label, err)
		}
		return out, nil
	}
	if !caps.KWPPadsCorrectly {
		aligned := n%8 == 0
		if class == pkcs11.CKO_PRIVATE_KEY {
			exact, known, err := t.privateLen(key, caps, target)
			if err != nil {
				return nil, err
			}
			if !known {
				return nil, fmt.Errorf("%w: this token's %s mis-pads material whose length is not a multiple of 8 bytes (SoftHSM 2.6.1 bug, fixed in 2.7.0), "+
					"and the PKCS#8 length of %s key %q cannot be learnt without exposing it; use an HSM or SoftHSM version whose AES key wrap with padding passes the self-test",
					ErrUnsupported, caps.KWPMechanismName, key.KeySpec, key.Label)
			}
			aligned = exact > 0
			if aligned {
				key.MaterialLen = exact
			}
		}
		if !aligned {
			return nil, fmt.Errorf("%w: %s material of key %q is not a multiple of 8 bytes, and this token's %s mis-pads such material (SoftHSM 2.6.1 bug, fixed in 2.7.0); "+
				"use an HSM or SoftHSM version whose AES key wrap with padding passes the self-test",
				ErrUnsupported, key.KeySpec, key.Label, caps.KWPMechanismName)
		}
	}
	out, err := rsaAESTwoStep(t, h, caps.KWPMechanism, pub, target)
	if err != nil {
		return nil, fmt.Errorf("wrap %q with %s: %w", key.Label, alg, err)
	}
	return out, nil
}

// privateLen tells whether a private key's PKCS#8 is 8-aligned without the
// material leaving the HSM: exact is its length when aligned, 0 when not;
// known is false when this token offers no way to tell (see lengthkat.go).
func (t *Token) privateLen(key *Key, caps *Capabilities, target pkcs11.ObjectHandle) (exact int, known bool, err error) {
	if caps.AlignmentProbe {
		n, err := t.pkcs8Aligned(target)
		return n, err == nil, err
	}
	if n := caps.ECPKCS8Len[key.Curve]; key.Curve != "" && n > 0 {
		if n%8 != 0 {
			return 0, true, nil
		}
		return n, true, nil
	}
	return 0, false, nil
}

// pkcs8Aligned wraps the target with CKM_AES_KEY_WRAP (RFC 3394, no
// padding) under a throwaway session AES key and discards the result, on a
// token where SelfTest found that mechanism refuses unaligned private keys
// (AlignmentProbe): success means aligned (output length - 8 is the exact
// PKCS#8 length); a length error means not aligned (returns 0). SoftHSM
// 2.6.1 is not such a token: it zero-pads first (measured, lengthkat.go).
func (t *Token) pkcs8Aligned(target pkcs11.ObjectHandle) (n int, err error) {
	kek, err := t.ephemeralAES()
	if err != nil {
		return 0, err
	}
	defer t.destroy(kek, &err)
	out, err := t.wrapKey(pkcs11.NewMechanism(CKMAESKeyWrap, nil), kek, target)
	clear(out)
	switch {
	case err == nil:
		return len(out) - 8, nil
	case alignmentRefused(err):
		return 0, nil
	}
	return 0, fmt.Errorf("alignment probe (C_WrapKey with %s): %w", MechanismName(CKMAESKeyWrap), err)
}
