package hsm

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"github.com/miekg/pkcs11"
)

// secretCheckValue sets the check value of a secret key, computed by the HSM.
//   - AES: CKA_CHECK_VALUE (first 3 bytes of AES-ECB(key, zero block)); where
//     the token lacks it, the HSM computes it with CKM_AES_ECB (3 bytes of
//     cipher output only). Where both exist they must agree.
//   - HMAC: first 8 bytes of the HMAC of Config.HMACCheckInput with the
//     SHA-2 hash as long as the key (28 bytes: SHA-224 ... 64 bytes:
//     SHA-512), in the HSM. That hash works on every token: SoftHSM refuses
//     an HMAC whose key is shorter than the hash (HMAC-SHA-256 with a
//     28-byte key).
func (t *Token) secretCheckValue(h pkcs11.ObjectHandle, k *Key) error {
	return t.secretCheckValueFrom(h, k, nil)
}

// secretCheckValueFrom is secretCheckValue with CKA_CHECK_VALUE, when a
// has it, already read.
func (t *Token) secretCheckValueFrom(h pkcs11.ObjectHandle, k *Key, a map[uint][]byte) error {
	if k.KeySpec == "SYMMETRIC_DEFAULT" {
		k.CheckMethod = CheckAESZeroBlock
		stored, ok := a[pkcs11.CKA_CHECK_VALUE]
		if !ok {
			stored = t.attrs(h, pkcs11.CKA_CHECK_VALUE)[pkcs11.CKA_CHECK_VALUE]
		}
		block, err := t.aesZeroBlock(h)
		computed := block[:min(3, len(block))]
		switch {
		case err != nil && len(stored) == 3:
			k.CheckValue = stored // the key may not allow CKA_ENCRYPT
			return nil
		case err != nil:
			return fmt.Errorf("check value of key %q: token has no CKA_CHECK_VALUE and %w", k.Label, err)
		case len(stored) > 0 && !bytes.Equal(stored, computed):
			return fmt.Errorf("check value of key %q: CKA_CHECK_VALUE %x disagrees with AES-ECB of a zero block %x", k.Label, stored, computed)
		}
		k.CheckValue, k.at.proof = computed, block
		return nil
	}
	k.CheckMethod = CheckHMAC
	mech, ok := hmacOfLen(k.MaterialLen)
	if !ok {
		return fmt.Errorf("check value of key %q: %w: no SHA-2 hash is %d bytes long", k.Label, ErrUnsupported, k.MaterialLen)
	}
	if len(t.hmacCheckInput) == 0 {
		return fmt.Errorf("check value of key %q: no HMAC check input (hsm.Config.HMACCheckInput)", k.Label)
	}
	mac, err := t.hmac(h, mech, t.hmacCheckInput)
	if ckr(err, pkcs11.CKR_MECHANISM_INVALID) {
		// opencryptoki 3.8.1 has no CKM_SHA224_HMAC (measured).
		return fmt.Errorf("check value of key %q: %w: the token has no HMAC for %s (%w), so airwrap cannot check this key",
			k.Label, ErrUnsupported, k.KeySpec, err)
	}
	if err != nil {
		return fmt.Errorf("check value of key %q (needs CKA_SIGN): %w", k.Label, err)
	}
	k.CheckValue, k.at.proof = mac[:8], mac
	return nil
}

// computedCheckValue is secretCheckValue without reading CKA_CHECK_VALUE:
// the HSM computes it (on SoftHSM with 1,000 keys, reading an attribute of
// a token object costs several times a computation).
func (t *Token) computedCheckValue(h pkcs11.ObjectHandle, k *Key) error {
	if k.KeySpec != "SYMMETRIC_DEFAULT" {
		return t.secretCheckValue(h, k) // HMAC: computed only
	}
	block, err := t.aesZeroBlock(h)
	if err != nil {
		return err
	}
	k.CheckMethod, k.CheckValue, k.at.proof = CheckAESZeroBlock, block[:3], block
	return nil
}

// aesZeroBlock is AES-ECB(key, zero block), computed in the HSM: the first
// 3 bytes are the check value.
func (t *Token) aesZeroBlock(h pkcs11.ObjectHandle) ([]byte, error) {
	if err := t.p.EncryptInit(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_ECB, nil)}, h); err != nil {
		return nil, fmt.Errorf("C_EncryptInit(CKM_AES_ECB): %w", err)
	}
	out, err := t.encrypt(make([]byte, 16), 16)
	if err != nil {
		return nil, fmt.Errorf("C_Encrypt(CKM_AES_ECB): %w", err)
	}
	if len(out) != 16 {
		return nil, fmt.Errorf("C_Encrypt(CKM_AES_ECB) gave %d bytes", len(out))
	}
	return out, nil
}

// spkiCheckValue sets the check value of an asymmetric key from its SPKI.
func spkiCheckValue(k *Key, spki []byte) {
	k.PublicKey = spki
	sum := sha256.Sum256(spki)
	k.CheckValue = sum[:]
	k.CheckMethod = CheckSPKISHA256
}
