package hsm

import (
	"crypto"
	"crypto/rsa"
	"fmt"
	"math/big"

	"github.com/miekg/pkcs11"
)

// Session objects live for one operation and are destroyed on every path
// out (callers defer t.destroy). Their templates are written out in full.

// wrappingPublic creates a session RSA public key object for C_WrapKey.
func (t *Token) wrappingPublic(pub *rsa.PublicKey) (pkcs11.ObjectHandle, error) {
	tmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY),                      // a public key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_RSA),                          // RSA
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),                                      // session object: gone with the session at the latest
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, false),                                    // nothing secret in it
		pkcs11.NewAttribute(pkcs11.CKA_MODULUS, pub.N.Bytes()),                            // the KMS (or self-test) wrapping key
		pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, big.NewInt(int64(pub.E)).Bytes()), // its exponent
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, true),                                        // C_WrapKey only
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, false),                                    // no C_Encrypt
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, false),                                     // no signatures
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, "airwrap-wrapping-key"),                     // recognisable if ever left behind
	}
	h, err := t.p.CreateObject(t.sh, tmpl)
	if err != nil {
		return 0, fmt.Errorf("create the session wrapping public key: %w", err)
	}
	return h, nil
}

// ephemeralAES generates a session AES-256 key in the HSM for one AES key
// wrap step (the KWP half of RSA_AES_KEY_WRAP, or an alignment probe).
func (t *Token) ephemeralAES() (pkcs11.ObjectHandle, error) {
	tmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),   // a secret key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),       // AES
		pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, 32),                  // AES-256, as RSA_AES_KEY_WRAP requires
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),                   // session object
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),                  // only in the logged-in session
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),                // never readable in the clear
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),              // leaves the HSM only RSA-OAEP wrapped
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, true),                     // wraps the target key
		pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, false),                  // no unwrapping
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, false),                 // no C_Encrypt
		pkcs11.NewAttribute(pkcs11.CKA_DECRYPT, false),                 // no C_Decrypt
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, "airwrap-ephemeral-aes"), // recognisable if ever left behind
	}
	h, err := t.p.GenerateKey(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_KEY_GEN, nil)}, tmpl)
	if err != nil {
		return 0, fmt.Errorf("generate the ephemeral AES-256 session key: %w", err)
	}
	return h, nil
}

// lengthKEK generates a session AES-256 key in the HSM that only wraps and
// never leaves it: what it wraps is measured and thrown away (secretLen).
func (t *Token) lengthKEK() (pkcs11.ObjectHandle, error) {
	tmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY), // a secret key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),     // AES
		pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, 32),                // AES-256
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),                 // session object
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),                // only in the logged-in session
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),              // never readable in the clear
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, false),           // never leaves the HSM, not even wrapped
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, true),                   // wraps the key being measured
		pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, false),                // no unwrapping
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, false),               // no C_Encrypt
		pkcs11.NewAttribute(pkcs11.CKA_DECRYPT, false),               // no C_Decrypt: its output is never undone
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, "airwrap-length-kek"),  // recognisable if ever left behind
	}
	h, err := t.p.GenerateKey(t.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_KEY_GEN, nil)}, tmpl)
	if err != nil {
		return 0, fmt.Errorf("generate the session AES key that measures a key's length: %w", err)
	}
	return h, nil
}

// knownSecret creates a session secret key of a known value: self-test only
// (the value is a self-test value, never real material).
func (t *Token) knownSecret(keyType uint, value []byte, wrap bool) (pkcs11.ObjectHandle, error) {
	tmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY), // a secret key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType),            // CKK_AES or CKK_GENERIC_SECRET
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, value),                 // the known self-test value
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),                 // session object
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),                // only in the logged-in session
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),              // as real keys are
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),            // it is what gets wrapped
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, wrap),                   // the known KEK of the KWP test wraps
		pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, false),                // no unwrapping
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, "airwrap-selftest"),    // recognisable if ever left behind
	}
	h, err := t.p.CreateObject(t.sh, tmpl)
	if err != nil {
		return 0, fmt.Errorf("create a self-test session key: %w", err)
	}
	return h, nil
}

// ckmHash maps a Go hash to its PKCS#11 mechanism and MGF1 generator.
func ckmHash(h crypto.Hash) (mech, mgf uint, name string) {
	if h == crypto.SHA256 {
		return pkcs11.CKM_SHA256, pkcs11.CKG_MGF1_SHA256, "SHA-256"
	}
	return pkcs11.CKM_SHA_1, pkcs11.CKG_MGF1_SHA1, "SHA-1"
}

// oaepMech is CKM_RSA_PKCS_OAEP with h for the digest and MGF1, empty label.
func oaepMech(h crypto.Hash) *pkcs11.Mechanism {
	m, mgf, _ := ckmHash(h)
	return pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_OAEP, pkcs11.NewOAEPParams(m, mgf, pkcs11.CKZ_DATA_SPECIFIED, nil))
}

// rsaAESMech is CKM_RSA_AES_KEY_WRAP with an AES-256 ephemeral key and OAEP(h).
func rsaAESMech(h crypto.Hash) *pkcs11.Mechanism {
	m, mgf, _ := ckmHash(h)
	return pkcs11.NewMechanism(pkcs11.CKM_RSA_AES_KEY_WRAP, &pkcs11.RSAAESKeyWrapParams{
		AESKeyBits: 256,
		OAEPParams: pkcs11.OAEPParams{HashAlg: m, MGF: mgf, SourceType: pkcs11.CKZ_DATA_SPECIFIED},
	})
}

// wrapKey is the one place airwrap calls C_WrapKey. Where the token's
// length query is too short (CKR_BUFFER_TOO_SMALL on the second call, NSS's
// CKM_AES_KEY_WRAP_KWP), it wraps again into a larger buffer (sizedwrap.go).
func (t *Token) wrapKey(m *pkcs11.Mechanism, wrapping, target pkcs11.ObjectHandle) ([]byte, error) {
	out, err := t.p.WrapKey(t.sh, []*pkcs11.Mechanism{m}, wrapping, target)
	if ckr(err, pkcs11.CKR_BUFFER_TOO_SMALL) && parameterless(m) {
		return t.wrapSized(m, wrapping, target)
	}
	return out, err
}
