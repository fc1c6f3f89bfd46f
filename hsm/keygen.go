package hsm

import (
	"encoding/asn1"
	"fmt"

	"github.com/miekg/pkcs11"
)

// KeyType is the kind of key GenerateKey makes.
type KeyType int

// Key types GenerateKey makes.
const (
	AESKey        KeyType = iota + 1 // CKK_AES
	GenericSecret                    // CKK_GENERIC_SECRET, for HMAC
	RSAKeyPair                       // CKK_RSA
	ECKeyPair                        // CKK_EC
)

// KeyParams is a key for GenerateKey to make, in PKCS#11 terms.
type KeyParams struct {
	Type     KeyType
	Len      int                   // AESKey, GenericSecret: CKA_VALUE_LEN in bytes
	RSABits  int                   // RSAKeyPair: CKA_MODULUS_BITS
	CurveOID asn1.ObjectIdentifier // ECKeyPair: the named curve (CKA_EC_PARAMS)
}

func (p KeyParams) String() string {
	switch p.Type {
	case AESKey:
		return fmt.Sprintf("AES-%d", 8*p.Len)
	case GenericSecret:
		return fmt.Sprintf("%d-byte generic secret", p.Len)
	case RSAKeyPair:
		return fmt.Sprintf("RSA-%d", p.RSABits)
	case ECKeyPair:
		if c, ok := curveByOID(p.CurveOID); ok {
			return "EC " + c.name
		}
		return fmt.Sprintf("EC %v", p.CurveOID)
	}
	return fmt.Sprintf("key type %d", int(p.Type))
}

// GenerateKey creates a token key (sensitive, extractable) of p, with a
// fresh 16-byte CKA_ID from the token's RNG. A label already on the token
// is refused (ErrDuplicateLabel).
func (t *Token) GenerateKey(label string, p KeyParams) (*Key, error) {
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
	switch p.Type {
	case AESKey, GenericSecret:
		var h pkcs11.ObjectHandle
		h, err = t.generateSecret(label, id, p)
		made = append(made, h)
	case RSAKeyPair:
		made, err = t.generatePair(label, id, rsaPublicTemplate(p.RSABits), importablePrivate(pkcs11.CKK_RSA),
			pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN, p)
	case ECKeyPair:
		c, ok := curveByOID(p.CurveOID)
		if !ok {
			return nil, fmt.Errorf("%w: no curve parameters for %s", ErrUnsupported, p)
		}
		made, err = t.generatePair(label, id, ecPublicTemplate(c), importablePrivate(pkcs11.CKK_EC),
			pkcs11.CKM_EC_KEY_PAIR_GEN, p)
	default:
		err = fmt.Errorf("%w: generate %s", ErrUnsupported, p)
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
		return nil, fmt.Errorf("generated %s key %q removed again: %w", p, label, err)
	}
	return k, nil
}

func (t *Token) generateSecret(label string, id []byte, p KeyParams) (pkcs11.ObjectHandle, error) {
	var mech uint
	var tmpl []*pkcs11.Attribute
	if p.Type == AESKey {
		mech, tmpl = pkcs11.CKM_AES_KEY_GEN, aesTemplate(p.Len)
	} else {
		mech, tmpl = pkcs11.CKM_GENERIC_SECRET_KEY_GEN, hmacTemplate(p.Len)
	}
	tmpl = append(tmpl, tokenKeyAttrs(label, id)...)
	h, err := t.p.GenerateKey(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, tmpl)
	if err != nil {
		return 0, fmt.Errorf("generate %s key %q: %w", p, label, mapGenErr(err))
	}
	return h, nil
}

func (t *Token) generatePair(label string, id []byte, pub, priv []*pkcs11.Attribute, mech uint, p KeyParams) ([]pkcs11.ObjectHandle, error) {
	pub = append(pub, pkcs11.NewAttribute(pkcs11.CKA_LABEL, label), pkcs11.NewAttribute(pkcs11.CKA_ID, id))
	priv = append(priv, tokenKeyAttrs(label, id)...)
	ph, sh, err := t.p.GenerateKeyPair(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, pub, priv)
	if err != nil {
		return nil, fmt.Errorf("generate %s key pair %q: %w", p, label, mapGenErr(err))
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
