package hsm

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/objects"
	"github.com/airwrap/airwrap/internal/testkit/oracle"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// wrapCounted wraps and checks no object was left behind (success or not).
var wrapCounted = objects.WrapCounted[*Key, WrapMechanism]

func findKey(t *testing.T, tok *Token, label string) *Key {
	t.Helper()
	k, err := tok.FindKey(label)
	require.NoError(t, err)
	return k
}

// TestWrapSecretKeysOAEP: every secret key spec, known material, wrapped in
// the HSM with RSAES_OAEP_SHA_1 and unwrapped with the Go standard library.
func TestWrapSecretKeysOAEP(t *testing.T) {
	tok, _ := openTest(t)
	_, err := tok.SelfTest()
	require.NoError(t, err)
	wrapping := goRSA(t, 2048)
	for _, spec := range []string{"SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"} {
		p := specParams(t, spec)
		material := make([]byte, p.Len)
		rand.Read(material)
		kt := uint(pkcs11.CKK_GENERIC_SECRET)
		if p.Type == AESKey {
			kt = pkcs11.CKK_AES
		}
		knownSecret(t, tok, spec, kt, material)
		k := findKey(t, tok, spec)
		require.Equal(t, spec, k.KeySpec, "%s listed as %s", spec, k.KeySpec)
		blob, err := wrapCounted(t, tok, k, &wrapping.PublicKey, OAEPSHA1)
		require.NoError(t, err, "%s", spec)
		got, err := oracle.UnwrapOAEP(wrapping, crypto.SHA1, blob)
		require.NoError(t, err, "%s: unwrapped %d bytes, not the material (%v)", spec, len(got), err)
		require.Equal(t, material, got, "%s: unwrapped %d bytes, not the material (%v)", spec, len(got), err)
		// SHA-256: SoftHSM cannot; the refusal says what to do.
		_, err = wrapCounted(t, tok, k, &wrapping.PublicKey, OAEPSHA256)
		require.ErrorIs(t, err, ErrUnsupported, "%s SHA-256", spec)
	}
	// One under a 4096-bit wrapping key, as AWS prefers.
	big4096 := goRSA(t, 4096)
	k := findKey(t, tok, "HMAC_512")
	blob, err := wrapCounted(t, tok, k, &big4096.PublicKey, OAEPSHA1)
	require.NoError(t, err, "RSA-4096: %d bytes, %v", len(blob), err)
	require.Len(t, blob, 512, "RSA-4096: %d bytes, %v", len(blob), err)
	_, err = oracle.UnwrapOAEP(big4096, crypto.SHA1, blob)
	require.NoError(t, err)
}

// TestWrapEC: RSA_AES_KEY_WRAP_SHA_1 where this SoftHSM's PKCS#8 is aligned
// (P-384, secp256k1), unwrapped with OpenSSL; clear refusals elsewhere.
func TestWrapEC(t *testing.T) {
	tok, _ := openTest(t)
	caps, err := tok.SelfTest()
	require.NoError(t, err)
	t.Logf("SoftHSM EC PKCS#8 lengths: %v", caps.ECPKCS8Len)
	wrapping := goRSA(t, 2048)

	p384 := goEC(t, elliptic.P384())
	knownEC(t, tok, "p384", p384)
	k := findKey(t, tok, "p384")
	blob, err := wrapCounted(t, tok, k, &wrapping.PublicKey, RSAAESKeyWrapSHA1)
	require.NoError(t, err)
	der := oracle.UnwrapRSAAESWithOpenSSL(t, wrapping, crypto.SHA1, blob)
	t.Logf("P-384 PKCS#8 from SoftHSM: %d bytes", len(der))
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	require.NoError(t, err, "PKCS#8")
	require.True(t, parsed.(*ecdsa.PrivateKey).Equal(p384), "unwrapped key is not the material (MaterialLen %d, PKCS#8 %d)", k.MaterialLen, len(der))
	require.Equal(t, len(der), k.MaterialLen, "unwrapped key is not the material (MaterialLen %d, PKCS#8 %d)", k.MaterialLen, len(der))

	// secp256k1: Go cannot parse the curve; compare the scalar.
	d := make([]byte, 32)
	rand.Read(d)
	d[0] &= 0x7f // below the order
	c, _ := curveByName("secp256k1")
	createObject(t, tok, append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, c.params),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, d),
	}, tokenKeyAttrs("k1", []byte("id-k1"))...))
	k = findKey(t, tok, "k1")
	blob, err = wrapCounted(t, tok, k, &wrapping.PublicKey, RSAAESKeyWrapSHA1)
	require.NoError(t, err)
	der = oracle.UnwrapRSAAESWithOpenSSL(t, wrapping, crypto.SHA1, blob)
	got := ecScalar(t, der, c.oid)
	require.Equal(t, d, got, "secp256k1 scalar differs")

	// Not aligned on SoftHSM (P-256: 67 bytes, P-521: 98): refused.
	knownEC(t, tok, "p256", goEC(t, elliptic.P256()))
	knownEC(t, tok, "p521", goEC(t, elliptic.P521()))
	for _, label := range []string{"p256", "p521"} {
		_, err := wrapCounted(t, tok, findKey(t, tok, label), &wrapping.PublicKey, RSAAESKeyWrapSHA1)
		require.ErrorIs(t, err, ErrUnsupported, "%s", label)
		t.Logf("%s refused: %v", label, err)
	}
	// Plain RSA-OAEP of a private key: SoftHSM says CKR_KEY_NOT_WRAPPABLE.
	_, err = wrapCounted(t, tok, findKey(t, tok, "p384"), &wrapping.PublicKey, OAEPSHA1)
	require.ErrorIs(t, err, ErrUnsupported, "EC under OAEP")
	t.Logf("EC under OAEP refused: %v", err)
	// SHA-256 RSA-AES: refused by the self-test verdict.
	_, err = wrapCounted(t, tok, findKey(t, tok, "p384"), &wrapping.PublicKey, RSAAESKeyWrapSHA256)
	require.ErrorIs(t, err, ErrUnsupported, "SHA-256")
}

// ecScalar extracts the private scalar of an EC PKCS#8 and checks its curve.
func ecScalar(t *testing.T, der []byte, want asn1.ObjectIdentifier) []byte {
	t.Helper()
	var p8 struct {
		Version int
		Alg     struct {
			Algorithm asn1.ObjectIdentifier
			Curve     asn1.ObjectIdentifier
		}
		Key []byte
	}
	rest, err := asn1.Unmarshal(der, &p8)
	require.NoError(t, err, "PKCS#8: %v (%d trailing bytes)", err, len(rest))
	require.Len(t, rest, 0, "PKCS#8: %v (%d trailing bytes)", err, len(rest))
	require.True(t, p8.Alg.Curve.Equal(want), "curve %v", p8.Alg.Curve)
	var ec struct {
		Version int
		D       []byte
	}
	_, err = asn1.Unmarshal(p8.Key, &ec)
	require.NoError(t, err)
	return ec.D
}

// TestWrapRSARefusedOnSoftHSM: RSA keys need RSA_AES; SoftHSM 2.6.1 mis-pads
// and offers no way to learn their PKCS#8 length unexposed: a clear refusal.
func TestWrapRSARefusedOnSoftHSM(t *testing.T) {
	tok, _ := openTest(t)
	_, err := tok.SelfTest()
	require.NoError(t, err)
	wrapping := goRSA(t, 2048)
	knownRSA(t, tok, "rsa", goRSA(t, 2048))
	k := findKey(t, tok, "rsa")
	_, err = wrapCounted(t, tok, k, &wrapping.PublicKey, RSAAESKeyWrapSHA1)
	require.ErrorIs(t, err, ErrUnsupported, "got")
	t.Logf("refused: %v", err)
}

// TestWrapRefusals: checks that need no HSM, and a non-extractable key.
// Which wrapping keys and algorithms KMS takes is checked before the HSM
// (kmsrules.CheckFit, kmsrules.CheckWrappingPublicKey).
func TestWrapRefusals(t *testing.T) {
	tok, _ := openTest(t)
	k, err := tok.GenerateKey("aes", specParams(t, "SYMMETRIC_DEFAULT"))
	require.NoError(t, err)
	wrapping := goRSA(t, 2048)
	_, err = wrapCounted(t, tok, k, nil, OAEPSHA1)
	require.Error(t, err, "wrapped under no wrapping key")
	_, err = wrapCounted(t, tok, k, &wrapping.PublicKey, WrapMechanism{})
	require.Error(t, err, "wrapped with no mechanism")
	_, err = wrapCounted(t, tok, k, &wrapping.PublicKey, OAEPSHA1)
	require.NoError(t, err, "generated key")
	s, err := tok.GenerateSigner("signer", SignerECDSAP256)
	require.NoError(t, err)
	sk := findKey(t, tok, s.Label())
	_, err = wrapCounted(t, tok, sk, &wrapping.PublicKey, RSAAESKeyWrapSHA1)
	require.ErrorIs(t, err, ErrNotExtractable, "signer")
	swapped := *k
	swapped.CheckValue = []byte{1, 2, 3}
	_, err = wrapCounted(t, tok, &swapped, &wrapping.PublicKey, OAEPSHA1)
	require.Error(t, err, "wrapped a key whose check value changed")
	gone := *k
	gone.ID = []byte("other")
	_, err = wrapCounted(t, tok, &gone, &wrapping.PublicKey, OAEPSHA1)
	require.ErrorIs(t, err, ErrKeyNotFound, "stale key")
}
