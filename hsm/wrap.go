package hsm

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"github.com/airwrap/airwrap/verify"
	"github.com/miekg/pkcs11"
)

// ErrNotExtractable means the key cannot leave the HSM, not even wrapped.
var ErrNotExtractable = errors.New("key is not extractable")

// Wrap wraps key under wrappingKey with a KMS wrapping algorithm, in the HSM
// (C_WrapKey). caps is SelfTest's verdict for this token: algorithms it says
// the token gets wrong are refused with ErrUnsupported and what to do
// instead. The wrapping public key and any ephemeral AES key are session
// objects destroyed on every path out. For private keys MaterialLen is set
// to the exact PKCS#8 length where the wrap reveals it.
func (t *Token) Wrap(key *Key, wrappingKey *rsa.PublicKey, algorithm string, caps *Capabilities) (out []byte, err error) {
	h, err := checkWrap(key, wrappingKey, algorithm, caps)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
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
	if verify.IsOAEP(algorithm) {
		out, err = t.wrapOAEP(now, h, n, wrappingKey, caps, pub, target, class)
	} else {
		out, err = t.wrapRSAAES(now, h, n, algorithm, caps, pub, target, class)
	}
	if err != nil {
		return nil, err
	}
	if class == pkcs11.CKO_PRIVATE_KEY && now.MaterialLen > 0 {
		key.MaterialLen = now.MaterialLen
	}
	if len(out) < verify.MinEncryptedBlobSize || len(out) > verify.MaxEncryptedBlobSize {
		return nil, fmt.Errorf("wrapped key of %d bytes is outside KMS's %d..%d", len(out), verify.MinEncryptedBlobSize, verify.MaxEncryptedBlobSize)
	}
	return out, nil
}

// checkWrap validates everything that needs no HSM.
func checkWrap(key *Key, wk *rsa.PublicKey, alg string, caps *Capabilities) (crypto.Hash, error) {
	if key == nil || wk == nil || wk.N == nil {
		return 0, fmt.Errorf("wrap: key and wrapping key are required")
	}
	h, err := verify.AlgorithmHash(alg)
	if err != nil {
		return 0, err
	}
	var errs []error
	if !verify.AlgorithmAllowed(key.KeySpec, alg) {
		errs = append(errs, fmt.Errorf("%w: %s for %s key %q (allowed: %v)", verify.ErrAlgorithmNotAllowed, alg, key.KeySpec, key.Label, verify.Rules[key.KeySpec].Algorithms))
	}
	if _, ok := verify.WrappingKeySpecs[fmt.Sprintf("RSA_%d", wk.N.BitLen())]; !ok {
		errs = append(errs, fmt.Errorf("%w: RSA-%d (KMS uses RSA-2048, 3072 or 4096)", verify.ErrWrappingKey, wk.N.BitLen()))
	}
	switch r, ok := caps.Result(alg); {
	case caps == nil:
		errs = append(errs, fmt.Errorf("wrap: no self-test result: run SelfTest on this token first"))
	case !ok || !r.OK:
		errs = append(errs, fmt.Errorf("%w: %s on token (self-test): %s", ErrUnsupported, alg, r.Reason))
	}
	return h, errors.Join(errs...)
}

// wrapOAEP: C_WrapKey(CKM_RSA_PKCS_OAEP) of the target under pub.
func (t *Token) wrapOAEP(key *Key, h crypto.Hash, n int, wk *rsa.PublicKey, caps *Capabilities, pub, target pkcs11.ObjectHandle, class uint) ([]byte, error) {
	if c := verify.OAEPCapacity(wk.Size(), h); n > c {
		return nil, fmt.Errorf("%w: %d bytes of %s material under RSA-%d with %s carry at most %d; use a larger wrapping key or RSA_AES_KEY_WRAP_*",
			verify.ErrMaterialTooLarge, n, key.KeySpec, wk.N.BitLen(), oaepName(h), c)
	}
	if class == pkcs11.CKO_PRIVATE_KEY && !caps.OAEPPrivateKeys {
		return nil, fmt.Errorf("%w: this token will not wrap private keys with plain RSA-OAEP (self-test); use RSA_AES_KEY_WRAP_SHA_1 or _SHA_256 for %s key %q",
			ErrUnsupported, key.KeySpec, key.Label)
	}
	out, err := t.wrapKey(oaepMech(h), pub, target)
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
func (t *Token) wrapRSAAES(key *Key, h crypto.Hash, n int, alg string, caps *Capabilities, pub, target pkcs11.ObjectHandle, class uint) ([]byte, error) {
	if r, _ := caps.Result(alg); strings.HasPrefix(r.Mechanism, "CKM_RSA_AES_KEY_WRAP(") {
		out, err := t.wrapKey(rsaAESMech(h), pub, target)
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
				"use an HSM or SoftHSM version whose AES key wrap with padding passes the self-test%s",
				ErrUnsupported, key.KeySpec, key.Label, caps.KWPMechanismName, oaepHint(key.KeySpec, class, caps))
		}
	}
	out, err := rsaAESTwoStep(t, h, caps.KWPMechanism, pub, target)
	if err != nil {
		return nil, fmt.Errorf("wrap %q with %s: %w", key.Label, alg, err)
	}
	return out, nil
}

// oaepHint suggests RSAES_OAEP_* where the key spec allows it.
func oaepHint(spec string, class uint, caps *Capabilities) string {
	if verify.AlgorithmAllowed(spec, verify.RSAESOAEPSHA1) && (class == pkcs11.CKO_SECRET_KEY || caps.OAEPPrivateKeys) {
		return ", or wrap with RSAES_OAEP_* (allowed for " + spec + ")"
	}
	return ""
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
