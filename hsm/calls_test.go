package hsm

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"maps"
	"testing"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// meterTest counts the PKCS#11 calls of every module loaded until the test ends.
func meterTest(t *testing.T) *meter {
	t.Helper()
	m := newMeter(0)
	wrapModule = func(p p11) p11 { m.p11 = p; return m }
	t.Cleanup(func() { wrapModule = nil })
	return m
}

// fillToken puts n more AES-256 keys (labels fill-NNNNN from from) where
// every search and scan sees them: the keys a partition already holds.
// They are session objects: a search sees them as it sees token objects,
// and SoftHSM writes 1,000 token objects in about 10 seconds.
func fillToken(t *testing.T, tok *Token, from, n int) {
	t.Helper()
	for i := range n {
		label := fmt.Sprintf("fill-%05d", from+i)
		createObject(t, tok, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
			pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
			pkcs11.NewAttribute(pkcs11.CKA_VALUE, bytes.Repeat([]byte{byte(i)}, 32)),
			pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),
			pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
			pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
			pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),
			pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, true),
			pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
		})
	}
}

// TestCallsIndependentOfTokenSize: finding and wrapping one key (an AES key
// with RSAES_OAEP_SHA_1, an EC key with RSA_AES_KEY_WRAP_SHA_1) makes the
// same PKCS#11 calls, function by function, on a token holding 10 key
// objects as on one holding 1,000: the lookup costs what the keys asked
// for cost, not what the token holds.
func TestCallsIndependentOfTokenSize(t *testing.T) {
	m := meterTest(t)
	tok, _ := openTest(t)
	_, err := tok.SelfTest()
	require.NoError(t, err)
	_, err = tok.GenerateKey("aes", specParams(t, "SYMMETRIC_DEFAULT"))
	require.NoError(t, err)
	_, err = tok.GenerateKey("ec", specParams(t, "ECC_NIST_P384"))
	require.NoError(t, err)
	wk := goRSA(t, 2048)
	calls := func(label string, alg WrapMechanism) map[string]int {
		t.Helper()
		m.reset(0)
		keys, errs := tok.FindKeys([]string{label})
		require.NoError(t, errs[0], "%v", errs[0])
		_, err := tok.Wrap(keys[0], &wk.PublicKey, alg)
		require.NoError(t, err)
		c, _ := m.counts()
		return c
	}
	fillToken(t, tok, 0, 8) // 10 key objects: 8 + aes + ec's private half
	small := map[string]map[string]int{"aes": calls("aes", OAEPSHA1), "ec": calls("ec", RSAAESKeyWrapSHA1)}
	fillToken(t, tok, 8, 990)
	for label, alg := range map[string]WrapMechanism{"aes": OAEPSHA1, "ec": RSAAESKeyWrapSHA1} {
		big := calls(label, alg)
		assert.True(t, maps.Equal(small[label], big), "find and wrap %q: %v on a token of 10 keys, %v on one of 1,000", label, small[label], big)
	}
}

// TestSignSearchesOnce: a signer found once signs with C_SignInit and
// one C_Sign into a caller-sized buffer (no length query), no search per
// signature, the first one included. A key handle the token no
// longer knows is found again.
func TestSignSearchesOnce(t *testing.T) {
	m := meterTest(t)
	tok, _ := openTest(t)
	_, err := tok.GenerateSigner("signer", SignerECDSAP384)
	require.NoError(t, err)
	s, err := tok.FindSigner("signer")
	require.NoError(t, err)
	d := sha512.Sum384([]byte("payload"))
	for i := range 3 {
		m.reset(0)
		_, err := s.Sign(nil, d[:], crypto.SHA384)
		require.NoError(t, err)
		c, _ := m.counts()
		assert.True(t, maps.Equal(c, map[string]int{"C_SignInit": 1, "C_Sign": 1}), "signature %d: %v, want C_SignInit and C_Sign once each", i+1, c)
	}
	s.(*signer).h = 0xdead // a handle the token never gave
	sig, err := s.Sign(nil, d[:], crypto.SHA384)
	require.NoError(t, err, "with a stale handle")
	require.True(t, ecdsa.VerifyASN1(s.Public().(*ecdsa.PublicKey), d[:], sig), "with a stale handle: the signature does not verify")
}

// TestCallsPerKey pins, function by function, the C calls of finding one
// key by label and wrapping it: a search is one C_FindObjects (a short
// answer ends it), no length query (one C_Encrypt, C_GetAttributeValue and
// C_WrapKey each, where miekg/pkcs11 makes two), and an EC key's public
// point comes from the label search (no search by CKA_ID).
// docs/PERFORMANCE.md says where each call goes.
func TestCallsPerKey(t *testing.T) {
	m := meterTest(t)
	tok, _ := openTest(t)
	_, err := tok.SelfTest()
	require.NoError(t, err)
	wk := goRSA(t, 2048)
	search := map[string]int{"C_FindObjectsInit": 1, "C_FindObjects": 1, "C_FindObjectsFinal": 1}
	with := func(more map[string]int) map[string]int {
		out := maps.Clone(search)
		maps.Copy(out, more)
		return out
	}
	for _, row := range []struct {
		spec string
		alg  WrapMechanism
		want map[string]int
	}{
		// search 3, attributes 1, check value 2 at lookup and 2 under the
		// handle before the wrap, the wrap 3 (session public key, C_WrapKey,
		// its destruction): 11.
		{"SYMMETRIC_DEFAULT", OAEPSHA1, with(map[string]int{"C_GetAttributeValue": 1, "C_EncryptInit": 2, "C_Encrypt": 2,
			"C_CreateObject": 1, "C_WrapKey": 1, "C_DestroyObject": 1})},
		{"HMAC_256", OAEPSHA1, with(map[string]int{"C_GetAttributeValue": 1, "C_SignInit": 2, "C_Sign": 2,
			"C_CreateObject": 1, "C_WrapKey": 1, "C_DestroyObject": 1})},
		// search 3, one read of each half of the pair, the private key read
		// again before the wrap, the two-step wrap 6: 12.
		{"ECC_NIST_P384", RSAAESKeyWrapSHA1, with(map[string]int{"C_GetAttributeValue": 3,
			"C_CreateObject": 1, "C_GenerateKey": 1, "C_WrapKey": 2, "C_DestroyObject": 2})},
	} {
		k, err := tok.GenerateKey("k-"+row.spec, specParams(t, row.spec))
		require.NoError(t, err)
		m.reset(0)
		keys, errs := tok.FindKeys([]string{k.Label})
		require.NoError(t, errs[0])
		_, err = tok.Wrap(keys[0], &wk.PublicKey, row.alg)
		require.NoError(t, err)
		got, _ := m.counts()
		assert.Equal(t, row.want, got, "find and wrap a %s key with %s", row.spec, row.alg)
	}
}

// TestFindKeysOfThreeSearchesThree: a batch of three keys found by label
// makes three searches and nothing more: with two labels left after the
// first, a scan could only win on a token holding no more than two key
// objects, and this one holds at least three, so FindKeys does not list
// the token to find out (3 calls saved per batch).
func TestFindKeysOfThreeSearchesThree(t *testing.T) {
	m := meterTest(t)
	tok, _ := openTest(t)
	var labels []string
	for _, l := range []string{"k0", "k1", "k2"} {
		_, err := tok.GenerateKey(l, specParams(t, "SYMMETRIC_DEFAULT"))
		require.NoError(t, err)
		labels = append(labels, l)
	}
	m.reset(0)
	_, errs := tok.FindKeys(labels)
	require.NoError(t, errors.Join(errs...))
	got, _ := m.counts()
	// Each key: search 3, attributes 1, check value 2.
	assert.Equal(t, map[string]int{"C_FindObjectsInit": 3, "C_FindObjects": 3, "C_FindObjectsFinal": 3,
		"C_GetAttributeValue": 3, "C_EncryptInit": 3, "C_Encrypt": 3}, got)
}

// TestWrapMACChecksOnce: WrapMAC wraps an HMAC key and MACs with it under
// one recomputation of its check value: 2 calls fewer than Wrap and then
// MAC, the same MAC as MAC gives and as Go computes over the material the
// wrap carried.
func TestWrapMACChecksOnce(t *testing.T) {
	m := meterTest(t)
	tok, _ := openTest(t)
	_, err := tok.SelfTest()
	require.NoError(t, err)
	wk := goRSA(t, 2048)
	k, err := tok.GenerateKey("mac", specParams(t, "HMAC_256"))
	require.NoError(t, err)
	data := []byte("challenge")
	m.reset(0)
	wrapped, mac, err := tok.WrapMAC(k, &wk.PublicKey, OAEPSHA1, crypto.SHA256, data)
	require.NoError(t, err)
	got, _ := m.counts()
	// check value under the handle 2, the wrap 3, the HMAC 2.
	assert.Equal(t, map[string]int{"C_SignInit": 2, "C_Sign": 2, "C_CreateObject": 1, "C_WrapKey": 1, "C_DestroyObject": 1}, got)
	material, err := rsa.DecryptOAEP(sha1.New(), nil, wk, wrapped, nil)
	require.NoError(t, err)
	h := hmac.New(sha256.New, material)
	h.Write(data)
	assert.Equal(t, h.Sum(nil), mac, "WrapMAC's MAC is not the HMAC of the material it wrapped")
	again, err := tok.MAC(k, crypto.SHA256, data)
	require.NoError(t, err)
	assert.Equal(t, again, mac, "WrapMAC and MAC disagree")
}
