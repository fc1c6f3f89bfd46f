package hsm

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"github.com/airwrap/airwrap/bundle"
	"github.com/miekg/pkcs11"
)

// secretCheckValue sets the check value of a secret key, computed by the HSM.
//   - AES: CKA_CHECK_VALUE (first 3 bytes of AES-ECB(key, zero block)); where
//     the token lacks it, the HSM computes it with CKM_AES_ECB (3 bytes of
//     cipher output only). Where both exist they must agree.
//   - HMAC: first 8 bytes of HMAC-SHA-256(key, bundle.HMACCheckInput) in the HSM.
func (t *Token) secretCheckValue(h pkcs11.ObjectHandle, k *Key) error {
	if k.KeySpec == "SYMMETRIC_DEFAULT" {
		k.CheckMethod = bundle.CheckMethodAESKCV
		stored := t.attrs(h, pkcs11.CKA_CHECK_VALUE)[pkcs11.CKA_CHECK_VALUE]
		computed, err := t.aesKCV(h)
		switch {
		case err != nil && len(stored) == 3:
			k.CheckValue = stored // the key may not allow CKA_ENCRYPT
			return nil
		case err != nil:
			return fmt.Errorf("check value of key %q: token has no CKA_CHECK_VALUE and %w", k.Label, err)
		case len(stored) > 0 && !bytes.Equal(stored, computed):
			return fmt.Errorf("check value of key %q: CKA_CHECK_VALUE %x disagrees with AES-ECB of a zero block %x", k.Label, stored, computed)
		}
		k.CheckValue = computed
		return nil
	}
	k.CheckMethod = bundle.CheckMethodHMAC
	mac, err := t.hmac(h, pkcs11.CKM_SHA256_HMAC, []byte(bundle.HMACCheckInput))
	if ckr(err, pkcs11.CKR_KEY_SIZE_RANGE) && k.MaterialLen < sha256.Size {
		// SoftHSM refuses HMAC-SHA-256 with keys shorter than 32 bytes
		// (HMAC_224): use the key's own hash, SHA-224.
		k.CheckMethod = CheckMethodHMACSHA224
		mac, err = t.hmac(h, pkcs11.CKM_SHA224_HMAC, []byte(bundle.HMACCheckInput))
	}
	if err != nil {
		return fmt.Errorf("check value of key %q (needs CKA_SIGN): %w", k.Label, err)
	}
	k.CheckValue = mac[:8]
	return nil
}

// CheckMethodHMACSHA224 is the check value of an HMAC key whose token refuses
// HMAC-SHA-256 with it (SoftHSM: keys under 32 bytes, i.e. HMAC_224): the
// first 8 bytes of HMAC-SHA-224(key, bundle.HMACCheckInput), in the HSM.
const CheckMethodHMACSHA224 = "hmac-sha224-kcv"

// aesKCV is the first 3 bytes of AES-ECB(key, zero block), computed in the HSM.
func (t *Token) aesKCV(h pkcs11.ObjectHandle) ([]byte, error) {
	if err := t.p.EncryptInit(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_ECB, nil)}, h); err != nil {
		return nil, fmt.Errorf("C_EncryptInit(CKM_AES_ECB): %w", err)
	}
	out, err := t.p.Encrypt(t.sh, make([]byte, 16))
	if err != nil {
		return nil, fmt.Errorf("C_Encrypt(CKM_AES_ECB): %w", err)
	}
	if len(out) != 16 {
		return nil, fmt.Errorf("C_Encrypt(CKM_AES_ECB) gave %d bytes", len(out))
	}
	return out[:3], nil
}

// spkiCheckValue sets the check value of an asymmetric key from its SPKI.
func spkiCheckValue(k *Key, spki []byte) {
	k.PublicKey = spki
	sum := sha256.Sum256(spki)
	k.CheckValue = sum[:]
	k.CheckMethod = bundle.CheckMethodSPKISHA256
}
