package hsm

import (
	"fmt"

	"github.com/miekg/pkcs11"
)

// What the token can do with a kind of key rather than with one key: make it
// (CanGenerate) and wrap it correctly (CanExport). Both answer before any
// such key exists, so an operator learns at `key generate`, not at `wrap`,
// that a key could never leave this token.

// CanGenerate makes a throwaway session key (pair) of p, describes it as
// GenerateKey would (key spec, check value), and destroys it again: nil if
// the token makes such keys airwrap can use, an ErrUnsupported error saying
// why not, or another error when the test itself could not run (or the
// key could not be described for another reason: GenerateKey would fail too).
func (t *Token) CanGenerate(p KeyParams) (err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	label := "airwrap-can-generate"
	id, err := t.random(16)
	if err != nil {
		return err
	}
	session := pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false)
	named := []*pkcs11.Attribute{session, pkcs11.NewAttribute(pkcs11.CKA_LABEL, label), pkcs11.NewAttribute(pkcs11.CKA_ID, id)}
	var made []pkcs11.ObjectHandle
	defer func() {
		for _, h := range made {
			t.destroy(h, &err)
		}
	}()
	switch p.Type {
	case AESKey, GenericSecret:
		mech, tmpl := uint(pkcs11.CKM_AES_KEY_GEN), aesTemplate(p.Len)
		if p.Type == GenericSecret {
			mech, tmpl = pkcs11.CKM_GENERIC_SECRET_KEY_GEN, hmacTemplate(p.Len)
		}
		tmpl = append(tmpl, named...)
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true), pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true))
		h, gerr := t.p.GenerateKey(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, tmpl)
		if gerr != nil {
			return fmt.Errorf("generate %s: %w", p, mapGenErr(gerr))
		}
		made = append(made, h)
		return t.canDescribe(p, h, pkcs11.CKO_SECRET_KEY)
	case RSAKeyPair, ECKeyPair:
		mech, pub := uint(pkcs11.CKM_RSA_PKCS_KEY_PAIR_GEN), rsaPublicTemplate(p.RSABits)
		priv := importablePrivate(pkcs11.CKK_RSA)
		if p.Type == ECKeyPair {
			c, ok := curveByOID(p.CurveOID)
			if !ok {
				return fmt.Errorf("%w: no curve parameters for %s", ErrUnsupported, p)
			}
			mech, pub, priv = pkcs11.CKM_EC_KEY_PAIR_GEN, ecPublicTemplate(c), importablePrivate(pkcs11.CKK_EC)
		}
		priv = append(priv, named...)
		priv = append(priv, pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true), pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true))
		pub = append(pub, named...)
		ph, sh, gerr := t.p.GenerateKeyPair(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(mech, nil)}, pub, priv)
		if gerr != nil {
			return fmt.Errorf("generate %s key pair: %w", p, mapGenErr(gerr))
		}
		made = append(made, ph, sh)
		return t.canDescribe(p, sh, pkcs11.CKO_PRIVATE_KEY)
	}
	return fmt.Errorf("%w: generate %s", ErrUnsupported, p)
}

// canDescribe: airwrap can describe the key just made as GenerateKey does
// (a key spec, a check value the token computes), else ErrUnsupported.
func (t *Token) canDescribe(p KeyParams, h pkcs11.ObjectHandle, class uint) error {
	if _, err := t.describeFound(p.String(), h, class, nil); err != nil {
		return fmt.Errorf("a %s key made on this token: %w", p, err)
	}
	return nil
}

// CanExport answers, by the Token's self-test verdict (SelfTest runs first if
// it has not yet), whether this token wraps every key of p with mech
// correctly: nil, or a *CannotWrapError saying why not. Where the answer
// depends on the one key (a private key's PKCS#8 length under a key wrap
// that mis-pads, on a token that can tell the length without revealing it),
// it is nil: Wrap checks that key.
func (t *Token) CanExport(p KeyParams, mech WrapMechanism) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	caps, err := t.capabilities()
	if err != nil {
		return fmt.Errorf("self-test: %w", err)
	}
	return canExport(caps, p, mech)
}

func canExport(caps *Capabilities, p KeyParams, mech WrapMechanism) error {
	no := func(format string, args ...any) error {
		return &CannotWrapError{Mechanism: mech, Reason: fmt.Sprintf(format, args...)}
	}
	k := &Key{Label: p.String(), KeySpec: p.String()}
	switch p.Type {
	case AESKey, GenericSecret:
		k.Class, k.MaterialLen = "secret", p.Len
		return canWrap(caps, k, mech)
	case RSAKeyPair, ECKeyPair:
		k.Class = "private"
	default:
		return no("%s is not a key airwrap wraps", p)
	}
	if err := canWrap(caps, k, mech); err != nil || mech.IsOAEP() || caps.KWPPadsCorrectly || caps.AlignmentProbe {
		return err
	}
	// The key wrap mis-pads and the token cannot tell a key's PKCS#8 length
	// without revealing it: only EC curves whose encoding the self-test
	// measured at a multiple of 8 bytes are safe.
	if p.Type == ECKeyPair {
		if c, ok := curveByOID(p.CurveOID); ok {
			if n := caps.ECPKCS8Len[c.name]; n > 0 && n%8 == 0 {
				return nil
			} else if n > 0 {
				return no("this token encodes %s private keys as %d bytes of PKCS#8 and its AES key wrap (%s) mis-pads lengths that are not a multiple of 8: no %s key made here can be wrapped correctly; use an HSM whose key wrap passes the self-test",
					c.name, n, caps.KWPMechanismName, mech)
			}
		}
		return no("the token's AES key wrap (%s) mis-pads lengths that are not a multiple of 8 and the self-test could not measure this token's PKCS#8 length for %s: %s keys cannot be wrapped safely",
			caps.KWPMechanismName, p, mech)
	}
	return no("the token's AES key wrap (%s) mis-pads lengths that are not a multiple of 8, and an RSA private key's PKCS#8 length cannot be checked without exposing it: no %s key made here can be wrapped with %s; use an HSM whose key wrap passes the self-test",
		caps.KWPMechanismName, p, mech)
}
