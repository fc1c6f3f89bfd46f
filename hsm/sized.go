package hsm

import (
	"crypto"
	"errors"

	"github.com/airwrap/airwrap/hsm/internal/p11raw"
	"github.com/miekg/pkcs11"
)

// A networked HSM pays a round trip for every C call, and miekg/pkcs11
// makes two for each call that returns bytes: a length query (a NULL
// buffer), then the call into exactly that many bytes. Where airwrap knows
// the size in advance (a 16-byte AES block, an HMAC as long as its hash,
// an RSA-OAEP wrap as long as the modulus, a CK_ULONG attribute) it calls
// once into a buffer of that size through p11raw. Where the module answers
// CKR_BUFFER_TOO_SMALL (PKCS#11 v2.40 section 5.2: the operation is still
// active) it falls back to miekg's two calls, so an unexpected size costs a
// call, never a wrong answer. docs/PERFORMANCE.md has the counts.

// sizedP11 is the caller-sized calls, one C call each. A module loaded by
// loadModule offers them (sizedCtx); the meter passes them on and counts
// them as the C calls they are, the fault injector fails them as the calls
// they stand for. A p11 without them (a bare *pkcs11.Ctx) makes miekg's
// two calls.
type sizedP11 interface {
	// WrapKeyInto is C_WrapKey with m (no parameter, or OAEP parameters)
	// into size bytes.
	WrapKeyInto(sh pkcs11.SessionHandle, m p11raw.Mech, wrapping, key pkcs11.ObjectHandle, size int) ([]byte, error)
	EncryptInto(sh pkcs11.SessionHandle, msg []byte, size int) ([]byte, error)
	SignInto(sh pkcs11.SessionHandle, msg []byte, size int) ([]byte, error)
	// GetAttributeValueInto reads types in one call, each into a buffer
	// of attrSize bytes; it answers as miekg's GetAttributeValue does
	// (Value nil where the module gave none), except that with
	// CKR_ATTRIBUTE_SENSITIVE or CKR_ATTRIBUTE_TYPE_INVALID it also
	// returns the values the module gave (see partial).
	GetAttributeValueInto(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle, types []uint) ([]*pkcs11.Attribute, error)
}

// errNoSized means the p11 has no caller-sized calls.
var errNoSized = errors.New("no caller-sized PKCS#11 calls")

// sizedCtx is a loaded module with its caller-sized calls.
type sizedCtx struct {
	*pkcs11.Ctx
	raw *p11raw.Lib
}

func rvErr(rv uint) error {
	if rv == pkcs11.CKR_OK {
		return nil
	}
	return pkcs11.Error(rv)
}

func (c *sizedCtx) WrapKeyInto(sh pkcs11.SessionHandle, m p11raw.Mech, wrapping, key pkcs11.ObjectHandle, size int) ([]byte, error) {
	var out []byte
	var rv uint
	if m.HashAlg == 0 {
		out, _, rv = c.raw.WrapKey(uint(sh), m.Type, uint(wrapping), uint(key), size)
	} else {
		out, _, rv = c.raw.WrapKeyMech(uint(sh), m, uint(wrapping), uint(key), size)
	}
	return out, rvErr(rv)
}

func (c *sizedCtx) EncryptInto(sh pkcs11.SessionHandle, msg []byte, size int) ([]byte, error) {
	out, _, rv := c.raw.Encrypt(uint(sh), msg, size)
	return out, rvErr(rv)
}

func (c *sizedCtx) SignInto(sh pkcs11.SessionHandle, msg []byte, size int) ([]byte, error) {
	out, _, rv := c.raw.Sign(uint(sh), msg, size)
	return out, rvErr(rv)
}

func (c *sizedCtx) GetAttributeValueInto(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle, types []uint) ([]*pkcs11.Attribute, error) {
	sizes := make([]int, len(types))
	for i, ty := range types {
		sizes[i] = attrSize(ty)
	}
	vals, rv := c.raw.GetAttributes(uint(sh), uint(o), types, sizes)
	if vals == nil {
		return nil, pkcs11.Error(rv)
	}
	out := make([]*pkcs11.Attribute, len(types))
	for i, ty := range types {
		out[i] = &pkcs11.Attribute{Type: ty, Value: vals[i]}
	}
	return out, rvErr(rv)
}

// partial tells a C_GetAttributeValue that answered for every attribute it
// could (CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID; PKCS#11
// v2.40 section 5.7 says the call must still have processed every
// attribute), with got its answer, from a failure. An attribute the module
// gave no value for is then absent, except where it may instead not have
// fitted its buffer: the standard lets a module that meets both a missing
// attribute and a buffer too small return either error, and marks both
// attributes alike. So a missing attribute that every such object has
// (a label, an id), or one of variable length the answer does not explain
// (CKA_MODULUS of a key that is not RSA, CKA_EC_PARAMS or CKA_EC_POINT of
// one that is not EC, CKA_EC_POINT of an object that is not a public key),
// makes the answer unusable, and the caller reads as if there were no
// caller-sized calls. A CK_ULONG or CK_BBOOL always fits its buffer.
func partial(got []*pkcs11.Attribute, err error) bool {
	if got == nil || !(ckr(err, pkcs11.CKR_ATTRIBUTE_SENSITIVE) || ckr(err, pkcs11.CKR_ATTRIBUTE_TYPE_INVALID)) {
		return false
	}
	val := map[uint][]byte{}
	for _, a := range got {
		val[a.Type] = a.Value
	}
	kt, ktOK := ulong(val[pkcs11.CKA_KEY_TYPE])
	class, classOK := ulong(val[pkcs11.CKA_CLASS])
	for _, a := range got {
		if a.Value != nil || attrSize(a.Type) == 8 {
			continue
		}
		switch a.Type {
		case pkcs11.CKA_MODULUS, pkcs11.CKA_PUBLIC_EXPONENT:
			if ktOK && kt != pkcs11.CKK_RSA {
				continue
			}
		case pkcs11.CKA_EC_PARAMS:
			if ktOK && kt != pkcs11.CKK_EC {
				continue
			}
		case pkcs11.CKA_EC_POINT:
			if ktOK && kt != pkcs11.CKK_EC || classOK && class != pkcs11.CKO_PUBLIC_KEY {
				continue
			}
		}
		return false
	}
	return true
}

// attrSize is the buffer GetAttributeValueInto gives an attribute: enough
// for any value airwrap reads (a CK_ULONG or CK_BBOOL in 8 bytes, a label,
// id, curve or EC point in 512, an RSA modulus of 8,192 bits in 1,024).
// A longer value costs the two-call read, not a wrong answer.
func attrSize(ty uint) int {
	switch ty {
	case pkcs11.CKA_CLASS, pkcs11.CKA_KEY_TYPE, pkcs11.CKA_VALUE_LEN, pkcs11.CKA_MODULUS_BITS,
		pkcs11.CKA_EXTRACTABLE, pkcs11.CKA_SENSITIVE, pkcs11.CKA_TOKEN, pkcs11.CKA_PRIVATE,
		pkcs11.CKA_SIGN, pkcs11.CKA_ENCRYPT, pkcs11.CKA_DECRYPT, pkcs11.CKA_WRAP, pkcs11.CKA_UNWRAP,
		pkcs11.CKA_DERIVE, pkcs11.CKA_VERIFY, pkcs11.CKA_MODIFIABLE, pkcs11.CKA_COPYABLE,
		pkcs11.CKA_ALWAYS_SENSITIVE, pkcs11.CKA_NEVER_EXTRACTABLE, pkcs11.CKA_LOCAL, pkcs11.CKA_TRUSTED,
		pkcs11.CKA_WRAP_WITH_TRUSTED, pkcs11.CKA_ALWAYS_AUTHENTICATE, pkcs11.CKA_KEY_GEN_MECHANISM:
		return 8
	case pkcs11.CKA_MODULUS, pkcs11.CKA_PUBLIC_EXPONENT:
		return 1024
	}
	return 512
}

// sized returns the caller-sized calls of t's module, if it has them.
func (t *Token) sized() (sizedP11, bool) {
	s, ok := t.p.(sizedP11)
	return s, ok
}

// fallBack tells whether a caller-sized call's error calls for miekg's
// two-call form instead: no caller-sized calls here, or a buffer too small.
func fallBack(err error) bool {
	return errors.Is(err, errNoSized) || ckr(err, pkcs11.CKR_BUFFER_TOO_SMALL)
}

// encrypt is C_Encrypt (after C_EncryptInit) of msg whose output is size bytes.
func (t *Token) encrypt(msg []byte, size int) ([]byte, error) {
	if s, ok := t.sized(); ok {
		if out, err := s.EncryptInto(t.sh, msg, size); !fallBack(err) {
			return out, err
		}
	}
	return t.p.Encrypt(t.sh, msg)
}

// sign is C_Sign (after C_SignInit) of msg whose output is size bytes.
func (t *Token) sign(msg []byte, size int) ([]byte, error) {
	if s, ok := t.sized(); ok {
		if out, err := s.SignInto(t.sh, msg, size); !fallBack(err) {
			return out, err
		}
	}
	return t.p.Sign(t.sh, msg)
}

// getAttributes is C_GetAttributeValue of types in one call where the
// module is reached directly, miekg's two otherwise.
func (t *Token) getAttributes(o pkcs11.ObjectHandle, types []uint) ([]*pkcs11.Attribute, error) {
	if s, ok := t.sized(); ok {
		if out, err := s.GetAttributeValueInto(t.sh, o, types); !fallBack(err) {
			return out, err
		}
	}
	tmpl := make([]*pkcs11.Attribute, len(types))
	for i, ty := range types {
		tmpl[i] = pkcs11.NewAttribute(ty, nil)
	}
	return t.p.GetAttributeValue(t.sh, o, tmpl)
}

// wrapInto is C_WrapKey of target under wrapping with m (raw: the same
// mechanism for p11raw) into size bytes, where the module is reached
// directly; wrapKey (miekg's two calls, NSS's fix) otherwise.
func (t *Token) wrapInto(m *pkcs11.Mechanism, raw p11raw.Mech, wrapping, target pkcs11.ObjectHandle, size int) ([]byte, error) {
	if s, ok := t.sized(); ok {
		if out, err := s.WrapKeyInto(t.sh, raw, wrapping, target, size); !fallBack(err) {
			return out, err
		}
	}
	return t.wrapKey(m, wrapping, target)
}

// Buffer sizes for the caller-sized C_WrapKey where the exact length is not
// known beforehand: an RSA modulus of up to 8,192 bits; an RFC 5649 wrap of
// any key KMS imports (an RSA-4096 PKCS#8 is about 2,400 bytes).
const (
	maxModulus = 1024
	maxWrapped = 8192
)

// rawOAEP is oaepMech(h) for p11raw; rawRSAAES is rsaAESMech(h).
func rawOAEP(h crypto.Hash) p11raw.Mech {
	m, mgf, _ := ckmHash(h)
	return p11raw.Mech{Type: pkcs11.CKM_RSA_PKCS_OAEP, HashAlg: m, MGF: mgf}
}

func rawRSAAES(h crypto.Hash) p11raw.Mech {
	m, mgf, _ := ckmHash(h)
	return p11raw.Mech{Type: pkcs11.CKM_RSA_AES_KEY_WRAP, HashAlg: m, MGF: mgf, AESKeyBits: 256}
}

// rawPlain is a parameterless mechanism (the AES key wraps) for p11raw.
func rawPlain(m *pkcs11.Mechanism) p11raw.Mech { return p11raw.Mech{Type: m.Mechanism} }
