package hsm

import (
	"crypto"
	"fmt"

	"github.com/miekg/pkcs11"
)

// rsaAESTwoStep is RSA_AES_KEY_WRAP done in two C_WrapKey calls:
// an ephemeral session AES-256 key wraps target with the KWP mechanism, then
// RSA-OAEP(h) under pub wraps the AES key; the result is RSA part || KWP
// part. The AES key is destroyed on every path out.
func rsaAESTwoStep(t *Token, h crypto.Hash, kwp uint, pub, target pkcs11.ObjectHandle) (out []byte, err error) {
	eph, err := t.ephemeralAES()
	if err != nil {
		return nil, err
	}
	defer t.destroy(eph, &err)
	kwpMech := pkcs11.NewMechanism(kwp, nil)
	kwpPart, err := t.wrapInto(kwpMech, rawPlain(kwpMech), eph, target, maxWrapped)
	if err != nil {
		return nil, fmt.Errorf("%w: %s of the key under the ephemeral AES key: %w", errNoWrap, MechanismName(kwp), err)
	}
	rsaPart, err := t.wrapInto(oaepMech(h), rawOAEP(h), pub, eph, maxModulus)
	if err != nil {
		return nil, fmt.Errorf("%w: %s of the ephemeral AES key: %w", errNoWrap, oaepName(h), err)
	}
	if len(kwpPart) < 16 || len(kwpPart)%8 != 0 {
		return nil, fmt.Errorf("%s gave %d bytes, not an RFC 5649 length", MechanismName(kwp), len(kwpPart))
	}
	return append(rsaPart, kwpPart...), nil
}
