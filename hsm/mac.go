package hsm

import (
	"fmt"

	"github.com/miekg/pkcs11"
)

// macMechanisms maps KMS MacAlgorithm to the PKCS#11 HMAC mechanism.
var macMechanisms = map[string]uint{
	"HMAC_SHA_224": pkcs11.CKM_SHA224_HMAC,
	"HMAC_SHA_256": pkcs11.CKM_SHA256_HMAC,
	"HMAC_SHA_384": pkcs11.CKM_SHA384_HMAC,
	"HMAC_SHA_512": pkcs11.CKM_SHA512_HMAC,
}

// MAC computes the KMS MacAlgorithm (HMAC_SHA_*) of data with an HMAC key, in the HSM.
func (t *Token) MAC(key *Key, macAlgorithm string, data []byte) ([]byte, error) {
	mech, ok := macMechanisms[macAlgorithm]
	if !ok {
		return nil, fmt.Errorf("%w: MAC algorithm %q (known: HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512)", ErrUnsupported, macAlgorithm)
	}
	if key == nil {
		return nil, fmt.Errorf("mac: no key")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	h, _, _, err := t.current(key)
	if err != nil {
		return nil, err
	}
	return t.hmac(h, mech, data)
}

func (t *Token) hmac(h pkcs11.ObjectHandle, mech uint, data []byte) ([]byte, error) {
	if err := t.p.SignInit(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, h); err != nil {
		return nil, fmt.Errorf("C_SignInit(HMAC): %w", err)
	}
	mac, err := t.p.Sign(t.sh, data)
	if err != nil {
		return nil, fmt.Errorf("C_Sign(HMAC): %w", err)
	}
	return mac, nil
}
