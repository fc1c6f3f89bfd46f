package hsm

import (
	"crypto/aes"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"hash"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// TestGenerateEveryKeySpec generates one key of every importable spec (one
// RSA-4096: slow on SoftHSM) and checks what ListKeys says about it.
func TestGenerateEveryKeySpec(t *testing.T) {
	tok, _ := openTest(t)
	made := map[string]bool{}
	for _, spec := range kmsrules.KeySpecs() {
		k, err := tok.GenerateKey("k-"+string(spec), specParams(t, spec))
		if spec == "ECC_SECG_P256K1" && errors.Is(err, ErrUnsupported) {
			t.Logf("%s: token refuses (acceptable): %v", spec, err)
			continue
		}
		require.NoError(t, err, "%s", spec)
		require.Equal(t, string(spec), k.KeySpec, "%s: %+v", spec, k)
		require.True(t, k.Extractable, "%s: %+v", spec, k)
		require.True(t, k.Sensitive, "%s: %+v", spec, k)
		require.Len(t, k.ID, 16, "%s: %+v", spec, k)
		require.False(t, k.Signer, "%s: %+v", spec, k)
		made[string(spec)] = true
	}
	keys, err := tok.ListKeys()
	require.NoError(t, err)
	require.Len(t, keys, len(made), "listed %d keys, made %d", len(keys), len(made))
	for _, k := range keys {
		require.Equal(t, "k-"+k.KeySpec, k.Label, "listed %q as %s", k.Label, k.KeySpec)
		require.False(t, !made[k.KeySpec], "listed %q as %s", k.Label, k.KeySpec)
		rule := kmsrules.KeySpec(k.KeySpec)
		wantLen := map[kmsrules.Kind]int{kmsrules.KindSymmetric: 3, kmsrules.KindHMAC: 8, kmsrules.KindRSA: 32, kmsrules.KindEC: 32}[rule.Kind()]
		require.Len(t, k.CheckValue, wantLen, "%s: check value %x (%s)", k.KeySpec, k.CheckValue, k.CheckMethod)
		switch rule.Kind() {
		case kmsrules.KindSymmetric:
			require.Equal(t, CheckAESZeroBlock, k.CheckMethod, "%+v", k)
			require.Equal(t, 32, k.MaterialLen, "%+v", k)
		case kmsrules.KindHMAC:
			require.Equal(t, CheckHMAC, k.CheckMethod, "%+v", k)
			require.Equal(t, rule.RawLen(), k.MaterialLen, "%+v", k)
		default:
			sum := sha256.Sum256(k.PublicKey)
			require.Equal(t, CheckSPKISHA256, k.CheckMethod, "%+v", k)
			require.Equal(t, k.CheckValue, sum[:], "%+v", k)
			require.NotZero(t, k.MaterialLen, "%+v", k)
			if k.KeySpec != "ECC_SECG_P256K1" {
				_, err := x509.ParsePKIXPublicKey(k.PublicKey)
				require.NoError(t, err, "%s: SPKI", k.KeySpec)
			}
		}
	}
	_, err = tok.GenerateKey("k-HMAC_256", specParams(t, "HMAC_256"))
	require.ErrorIs(t, err, ErrDuplicateLabel, "duplicate label")
	_, err = tok.GenerateKey("x", KeyParams{Type: ECKeyPair, CurveOID: asn1.ObjectIdentifier{1, 2, 3}})
	require.ErrorIs(t, err, ErrUnsupported, "unknown curve")
	_, err = tok.GenerateKey("x", KeyParams{})
	require.ErrorIs(t, err, ErrUnsupported, "no key type")
	_, err = tok.FindKey("nope")
	require.ErrorIs(t, err, ErrKeyNotFound, "missing key")
}

// TestCheckValuesIndependently puts known keys on the token and checks
// every check value against Go's own computation.
func TestCheckValuesIndependently(t *testing.T) {
	tok, _ := openTest(t)
	aesKey := make([]byte, 32)
	rand.Read(aesKey)
	knownSecret(t, tok, "aes", pkcs11.CKK_AES, aesKey)
	k, err := tok.FindKey("aes")
	require.NoError(t, err)
	blk, _ := aes.NewCipher(aesKey)
	want := make([]byte, 16)
	blk.Encrypt(want, want)
	require.Equal(t, "SYMMETRIC_DEFAULT", k.KeySpec, "AES KCV %x, want %x", k.CheckValue, want[:3])
	require.Equal(t, want[:3], k.CheckValue, "AES KCV %x, want %x", k.CheckValue, want[:3])

	for _, n := range []int{28, 32, 48, 64} {
		v := make([]byte, n)
		rand.Read(v)
		label := "hmac-" + string(rune('a'+n%26))
		knownSecret(t, tok, label, pkcs11.CKK_GENERIC_SECRET, v)
		k, err := tok.FindKey(label)
		require.NoError(t, err)
		// Check value and MAC both use the key spec's own hash, checked with Go's hmac.
		rule := kmsrules.KeySpec(k.KeySpec)
		h := map[string]func() hash.Hash{"HMAC_SHA_224": sha256.New224, "HMAC_SHA_256": sha256.New,
			"HMAC_SHA_384": sha512.New384, "HMAC_SHA_512": sha512.New}[rule.MACAlgorithm()]
		m := hmac.New(h, v)
		m.Write([]byte(bundle.HMACCheckInput))
		require.Equal(t, CheckHMAC, k.CheckMethod, "HMAC KCV %x (%s)", k.CheckValue, k.CheckMethod)
		require.Equal(t, m.Sum(nil)[:8], k.CheckValue, "HMAC KCV %x (%s)", k.CheckValue, k.CheckMethod)
		challenge := []byte("challenge from the HSM")
		got, err := tok.MAC(k, rule.MACHash(), challenge)
		require.NoError(t, err)
		m = hmac.New(h, v)
		m.Write(challenge)
		require.Equal(t, m.Sum(nil), got, "%s MAC differs from Go's", rule.MACAlgorithm())
	}

	rk := goRSA(t, 2048)
	knownRSA(t, tok, "rsa", rk)
	ek := goEC(t, elliptic.P384())
	knownEC(t, tok, "ec", ek)
	for label, pub := range map[string]any{"rsa": &rk.PublicKey, "ec": &ek.PublicKey} {
		k, err := tok.FindKey(label)
		require.NoError(t, err)
		der, _ := x509.MarshalPKIXPublicKey(pub)
		sum := sha256.Sum256(der)
		require.Equal(t, der, k.PublicKey, "%s: SPKI differs from Go's", label)
		require.Equal(t, sum[:], k.CheckValue, "%s: SPKI differs from Go's", label)
	}

	// Two keys with one label: FindKey refuses.
	knownSecret(t, tok, "twice", pkcs11.CKK_AES, aesKey)
	createObject(t, tok, append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, aesKey),
	}, tokenKeyAttrs("twice", []byte("other"))...))
	_, err = tok.FindKey("twice")
	require.ErrorIs(t, err, ErrDuplicateLabel, "duplicate")
}
