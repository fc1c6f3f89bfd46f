package hsm

import (
	"encoding/asn1"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openTest creates a throwaway SoftHSM token and opens it.
func openTest(t *testing.T) (*Token, *softhsmtest.Token) {
	t.Helper()
	st := softhsmtest.New(t)
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err, "Open")
	t.Cleanup(func() {
		assert.NoError(t, tok.Close(), "Close")
	})
	return tok, st
}

// createObject puts an object with known attributes on the token (tests
// only: this is how known material gets there).
func createObject(t *testing.T, tok *Token, tmpl []*pkcs11.Attribute) pkcs11.ObjectHandle {
	t.Helper()
	tok.mu.Lock()
	defer tok.mu.Unlock()
	h, err := tok.p.CreateObject(tok.sh, tmpl)
	require.NoError(t, err, "C_CreateObject")
	return h
}

// knownSecret puts a secret key of known value on the token, as GenerateKey
// would have made it (token object, sensitive, extractable).
func knownSecret(t *testing.T, tok *Token, label string, keyType uint, value []byte) {
	t.Helper()
	tmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, value),
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, keyType == pkcs11.CKK_AES),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, keyType != pkcs11.CKK_AES),
	}
	createObject(t, tok, append(tmpl, tokenKeyAttrs(label, []byte("id-"+label))...))
}

func objectCount(t *testing.T, tok *Token) int {
	t.Helper()
	n, err := tok.ObjectCount()
	require.NoError(t, err)
	return n
}

// testHMACCheckInput is the input of HMAC check values in these tests, the
// one airwrap's import bundles name.
var testHMACCheckInput = []byte(bundle.HMACCheckInput)

// testKeyParams are the keys of KMS key specs the tests make, in PKCS#11
// terms (ceremony.KeyParams is the mapping airwrap uses).
var testKeyParams = map[string]KeyParams{
	"SYMMETRIC_DEFAULT": {Type: AESKey, Len: 32},
	"HMAC_224":          {Type: GenericSecret, Len: 28},
	"HMAC_256":          {Type: GenericSecret, Len: 32},
	"HMAC_384":          {Type: GenericSecret, Len: 48},
	"HMAC_512":          {Type: GenericSecret, Len: 64},
	"RSA_2048":          {Type: RSAKeyPair, RSABits: 2048},
	"RSA_3072":          {Type: RSAKeyPair, RSABits: 3072},
	"RSA_4096":          {Type: RSAKeyPair, RSABits: 4096},
	"ECC_NIST_P256":     {Type: ECKeyPair, CurveOID: asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}},
	"ECC_NIST_P384":     {Type: ECKeyPair, CurveOID: asn1.ObjectIdentifier{1, 3, 132, 0, 34}},
	"ECC_NIST_P521":     {Type: ECKeyPair, CurveOID: asn1.ObjectIdentifier{1, 3, 132, 0, 35}},
	"ECC_SECG_P256K1":   {Type: ECKeyPair, CurveOID: asn1.ObjectIdentifier{1, 3, 132, 0, 10}},
}

// specParams is the key of a KMS key spec.
func specParams[S ~string](t testing.TB, spec S) KeyParams {
	t.Helper()
	p, ok := testKeyParams[string(spec)]
	require.True(t, ok, "no key params for %q", spec)
	return p
}
