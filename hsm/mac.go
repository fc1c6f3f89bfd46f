package hsm

import (
	"crypto"
	"fmt"

	"github.com/miekg/pkcs11"
)

// hmacMechanisms maps a SHA-2 hash to its PKCS#11 HMAC mechanism.
var hmacMechanisms = map[crypto.Hash]uint{
	crypto.SHA224: pkcs11.CKM_SHA224_HMAC,
	crypto.SHA256: pkcs11.CKM_SHA256_HMAC,
	crypto.SHA384: pkcs11.CKM_SHA384_HMAC,
	crypto.SHA512: pkcs11.CKM_SHA512_HMAC,
}

// hmacOfLen is the HMAC mechanism whose hash is n bytes long.
func hmacOfLen(n int) (uint, bool) {
	for h, m := range hmacMechanisms {
		if h.Size() == n {
			return m, true
		}
	}
	return 0, false
}

// hmacLen is the length of an HMAC with mechanism mech (its hash's size).
func hmacLen(mech uint) int {
	for h, m := range hmacMechanisms {
		if m == mech {
			return h.Size()
		}
	}
	return 64
}

// MAC computes the HMAC with hash h (SHA-224, -256, -384 or -512) of data
// with an HMAC key, in the HSM.
func (t *Token) MAC(key *Key, h crypto.Hash, data []byte) ([]byte, error) {
	mech, ok := hmacMechanisms[h]
	if !ok {
		return nil, fmt.Errorf("%w: HMAC with %v (known: SHA-224, SHA-256, SHA-384, SHA-512)", ErrUnsupported, h)
	}
	if key == nil {
		return nil, fmt.Errorf("mac: no key")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	o, _, _, err := t.current(key)
	if err != nil {
		return nil, err
	}
	return t.hmac(o, mech, data)
}

func (t *Token) hmac(h pkcs11.ObjectHandle, mech uint, data []byte) ([]byte, error) {
	if err := t.p.SignInit(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, h); err != nil {
		return nil, fmt.Errorf("C_SignInit(HMAC): %w", err)
	}
	mac, err := t.sign(data, hmacLen(mech))
	if err != nil {
		return nil, fmt.Errorf("C_Sign(HMAC): %w", err)
	}
	return mac, nil
}
