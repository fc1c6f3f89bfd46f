package hsm

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"testing"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSizedCallsFallBack: where the caller-sized buffer is too small
// (CKR_BUFFER_TOO_SMALL), C_Encrypt, C_Sign, C_WrapKey and
// C_GetAttributeValue fall back to miekg's length query and give the same
// answer as Go's own AES, HMAC and RSA-OAEP, and as miekg's read: an
// unexpected size costs calls, never a wrong answer.
func TestSizedCallsFallBack(t *testing.T) {
	m := meterTest(t)
	tok, _ := openTest(t)
	key := bytes.Repeat([]byte{7}, 32)
	knownSecret(t, tok, "aes", pkcs11.CKK_AES, key)
	knownSecret(t, tok, "mac", pkcs11.CKK_SHA256_HMAC, key)
	long := string(bytes.Repeat([]byte("L"), 700)) // longer than attrSize gives a label
	knownSecret(t, tok, long, pkcs11.CKK_AES, key)
	tok.mu.Lock()
	defer tok.mu.Unlock()
	handle := func(label string) pkcs11.ObjectHandle {
		h, _, err := tok.keyHandle(label, nil)
		require.NoError(t, err)
		return h
	}
	aesH, macH, longH := handle("aes"), handle("mac"), handle(long)

	m.reset(0)
	require.NoError(t, tok.p.EncryptInit(tok.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_ECB, nil)}, aesH))
	got, err := tok.encrypt(make([]byte, 16), 4)
	require.NoError(t, err)
	b, _ := aes.NewCipher(key)
	want := make([]byte, 16)
	b.Encrypt(want, want)
	assert.Equal(t, want, got, "AES-ECB of a zero block after a too-small buffer")

	require.NoError(t, tok.p.SignInit(tok.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_SHA256_HMAC, nil)}, macH))
	got, err = tok.sign([]byte("data"), 4)
	require.NoError(t, err)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("data"))
	assert.Equal(t, mac.Sum(nil), got, "HMAC after a too-small buffer")

	wk, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pub, err := tok.wrappingPublic(&wk.PublicKey)
	require.NoError(t, err)
	defer tok.destroy(pub, nil)
	c, _ := m.counts()
	m.reset(0)
	got, err = tok.wrapInto(oaepMech(crypto.SHA1), rawOAEP(crypto.SHA1), pub, aesH, 8)
	require.NoError(t, err)
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, wk, got, nil)
	require.NoError(t, err)
	assert.Equal(t, key, plain, "RSA-OAEP wrap after a too-small buffer")
	wc, _ := m.counts()

	m.reset(0)
	a, err := tok.getAttributes(longH, []uint{pkcs11.CKA_LABEL, pkcs11.CKA_KEY_TYPE})
	require.NoError(t, err)
	require.Len(t, a, 2)
	assert.Equal(t, long, string(a[0].Value), "a label longer than its buffer")
	kt, _ := ulong(a[1].Value)
	assert.Equal(t, uint(pkcs11.CKK_AES), kt)
	ac, _ := m.counts()

	// Each: the caller-sized call, refused, then miekg's query and call.
	assert.Equal(t, map[string]int{"C_EncryptInit": 1, "C_Encrypt": 3, "C_SignInit": 1, "C_Sign": 3, "C_CreateObject": 1}, c)
	assert.Equal(t, map[string]int{"C_WrapKey": 3}, wc)
	assert.Equal(t, map[string]int{"C_GetAttributeValue": 3}, ac)
}

// plainP11 hides a module's caller-sized calls: miekg's two calls only.
type plainP11 struct{ p11 }

// TestSizedAnswersAsMiekg: every key on the token, listed and found by
// label, is described the same through the caller-sized calls (one
// C_GetAttributeValue per object that answers for every attribute it
// can, an EC key's public point from the public half its label search
// found) as through miekg's length queries with an attribute at a time
// where some are missing and a search by CKA_ID for the EC point.
func TestSizedAnswersAsMiekg(t *testing.T) {
	tok, _ := openTest(t)
	var labels []string
	for _, spec := range []string{"SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_512", "ECC_NIST_P256", "ECC_NIST_P384", "RSA_2048"} {
		k, err := tok.GenerateKey("k-"+spec, specParams(t, spec))
		require.NoError(t, err)
		labels = append(labels, k.Label)
	}
	_, err := tok.GenerateSigner("signer", SignerECDSAP384)
	require.NoError(t, err)
	labels = append(labels, "signer")
	answers := func() ([]Key, []*Key) {
		list, err := tok.ListKeys()
		require.NoError(t, err)
		var found []*Key
		for _, l := range labels {
			k, err := tok.FindKey(l)
			require.NoError(t, err, l)
			found = append(found, k)
		}
		return list, found
	}
	_, ok := tok.sized()
	require.True(t, ok, "a module loaded by Open has the caller-sized calls")
	list, found := answers()
	tok.p = plainP11{tok.p}
	_, ok = tok.sized()
	require.False(t, ok)
	wantList, wantFound := answers()
	assert.Equal(t, wantList, list)
	assert.Equal(t, wantFound, found)
	for _, k := range found {
		assert.NotEmpty(t, k.CheckValue, k.Label)
	}
}

// TestSizedPartialAnswerTooSmall: an attribute read that meets both a
// missing attribute and a value longer than its buffer is not taken as an
// answer with that value missing: the label comes back whole.
func TestSizedPartialAnswerTooSmall(t *testing.T) {
	tok, _ := openTest(t)
	long := string(bytes.Repeat([]byte("L"), 700))
	knownSecret(t, tok, long, pkcs11.CKK_AES, bytes.Repeat([]byte{7}, 32))
	k, err := tok.FindKey(long)
	require.NoError(t, err)
	tok.mu.Lock()
	defer tok.mu.Unlock()
	// CKA_MODULUS: no AES key has one, and the answer does not say the type.
	a := tok.attrs(k.at.h, pkcs11.CKA_LABEL, pkcs11.CKA_MODULUS, pkcs11.CKA_VALUE_LEN)
	assert.Equal(t, long, string(a[pkcs11.CKA_LABEL]))
	assert.NotContains(t, a, uint(pkcs11.CKA_MODULUS))
	n, _ := ulong(a[pkcs11.CKA_VALUE_LEN])
	assert.Equal(t, uint(32), n)
}
