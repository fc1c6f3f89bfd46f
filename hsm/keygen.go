package hsm

import (
	"fmt"

	"github.com/airwrap/airwrap/verify"
	"github.com/miekg/pkcs11"
)

// GenerateKey creates a token key (sensitive, extractable) for a KMS key
// spec, with a fresh 16-byte CKA_ID from the token's RNG. A label already on
// the token is refused (ErrDuplicateLabel).
func (t *Token) GenerateKey(label, keySpec string) (*Key, error) {
	rule, err := verify.Rule(keySpec)
	if err != nil {
		return nil, err
	}
	if label == "" {
		return nil, fmt.Errorf("generate key: the label is empty")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	id, err := t.newObjectID(label)
	if err != nil {
		return nil, err
	}
	var made []pkcs11.ObjectHandle
	switch rule.Kind {
	case verify.KindSymmetric, verify.KindHMAC:
		var h pkcs11.ObjectHandle
		h, err = t.generateSecret(label, id, rule)
		made = append(made, h)
	case verify.KindRSA:
		made, err = t.generatePair(label, id, rsaPublicTemplate(rule.RSABits), importablePrivate(pkcs11.CKK_RSA),
			pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN, keySpec)
	case verify.KindEC:
		c, ok := curveByName(rule.Curve)
		if !ok {
			return nil, fmt.Errorf("%w: no curve parameters for %s", ErrUnsupported, keySpec)
		}
		made, err = t.generatePair(label, id, ecPublicTemplate(c), importablePrivate(pkcs11.CKK_EC),
			pkcs11.CKM_EC_KEY_PAIR_GEN, keySpec)
	default:
		err = fmt.Errorf("%w: %s", verify.ErrKeySpec, keySpec)
	}
	if err != nil {
		return nil, err
	}
	k, err := t.findKey(label)
	if err != nil {
		// A key airwrap cannot describe (e.g. no HMAC-SHA-224 on the token
		// for its check value) is of no use: leave nothing behind.
		for _, h := range made {
			t.destroy(h, &err)
		}
		return nil, fmt.Errorf("generated %s key %q removed again: %w", keySpec, label, err)
	}
	return k, nil
}

func (t *Token) generateSecret(label string, id []byte, rule verify.KeySpecRule) (pkcs11.ObjectHandle, error) {
	var mech uint
	var tmpl []*pkcs11.Attribute
	if rule.Kind == verify.KindSymmetric {
		mech, tmpl = pkcs11.CKM_AES_KEY_GEN, aesTemplate(rule.RawLen)
	} else {
		mech, tmpl = pkcs11.CKM_GENERIC_SECRET_KEY_GEN, hmacTemplate(rule.RawLen)
	}
	tmpl = append(tmpl, tokenKeyAttrs(label, id)...)
	h, err := t.p.GenerateKey(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, tmpl)
	if err != nil {
		return 0, fmt.Errorf("generate %s key %q: %w", rule.Spec, label, mapGenErr(err))
	}
	return h, nil
}

func (t *Token) generatePair(label string, id []byte, pub, priv []*pkcs11.Attribute, mech uint, spec string) ([]pkcs11.ObjectHandle, error) {
	pub = append(pub, pkcs11.NewAttribute(pkcs11.CKA_LABEL, label), pkcs11.NewAttribute(pkcs11.CKA_ID, id))
	priv = append(priv, tokenKeyAttrs(label, id)...)
	ph, sh, err := t.p.GenerateKeyPair(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, pub, priv)
	if err != nil {
		return nil, fmt.Errorf("generate %s key pair %q: %w", spec, label, mapGenErr(err))
	}
	return []pkcs11.ObjectHandle{ph, sh}, nil
}

// mapGenErr marks the token's "cannot do this" answers as ErrUnsupported.
func mapGenErr(err error) error {
	for _, rv := range []uint{pkcs11.CKR_MECHANISM_INVALID, pkcs11.CKR_CURVE_NOT_SUPPORTED,
		pkcs11.CKR_DOMAIN_PARAMS_INVALID, pkcs11.CKR_TEMPLATE_INCONSISTENT, pkcs11.CKR_KEY_SIZE_RANGE,
		pkcs11.CKR_ATTRIBUTE_VALUE_INVALID} {
		if ckr(err, rv) {
			return fmt.Errorf("%w: the token refused (%w); this token cannot hold this key spec", ErrUnsupported, err)
		}
	}
	return err
}

// newObjectID refuses a label already on the token (ErrDuplicateLabel) and
// draws a fresh 16-byte CKA_ID from the token's RNG. The caller holds t.mu.
func (t *Token) newObjectID(label string) ([]byte, error) {
	if used, err := t.labelInUse(label); err != nil {
		return nil, err
	} else if used {
		return nil, fmt.Errorf("%w: %q", ErrDuplicateLabel, label)
	}
	return t.random(16)
}
