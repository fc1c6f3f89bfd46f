package crosstoken

import (
	"crypto"
	"crypto/aes"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/testkit/objects"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// open opens a harness token with hsm.Open and closes it at the end.
func open(t *testing.T, ht *hsmtest.Token) *hsm.Token {
	t.Helper()
	return openKWP(t, ht, 0)
}

func openKWP(t *testing.T, ht *hsmtest.Token, kwp uint) *hsm.Token {
	t.Helper()
	tok, err := hsm.Open(hsm.Config{ModulePath: ht.Module, TokenLabel: ht.Label, PIN: []byte(ht.PIN),
		InitParams: ht.InitParams, KWPMechanism: kwp, HMACCheckInput: ceremony.HMACCheckInput()})
	require.NoError(t, err, "open %s token", ht.Kind)
	t.Cleanup(func() {
		assert.NoError(t, tok.Close(), "close")
	})
	return tok
}

func count(t *testing.T, tok *hsm.Token) int {
	t.Helper()
	n, err := tok.ObjectCount()
	require.NoError(t, err)
	return n
}

// generate makes a real key on the token (material never seen by the test
// until it unwraps what the token wrapped).
func generate(t *testing.T, tok *hsm.Token, spec string) *hsm.Key {
	t.Helper()
	k, err := ceremony.GenerateKey(tok, "key-"+spec, spec)
	require.NoError(t, err, "generate %s", spec)
	require.Equal(t, spec, k.KeySpec, "generated %s key: %+v", spec, k)
	require.True(t, k.Extractable, "generated %s key: %+v", spec, k)
	require.True(t, k.Sensitive, "generated %s key: %+v", spec, k)
	require.NotEmpty(t, k.CheckValue, "generated %s key: %+v", spec, k)
	return k
}

// wrapCounted wraps and checks no object was left behind (success or not).
func wrapCounted(t *testing.T, tok *hsm.Token, k *hsm.Key, wk *rsa.PublicKey, alg string) ([]byte, error) {
	t.Helper()
	return objects.WrapCounted(t, tok, k, wk, mech(t, alg))
}

// checkMaterial holds unwrapped material to what the token says of the
// key, computed here: the AES or HMAC check value of a secret key, the
// public key of a private key's PKCS#8.
func checkMaterial(t *testing.T, k *hsm.Key, m []byte) {
	t.Helper()
	switch k.CheckMethod {
	case hsm.CheckAESZeroBlock:
		b, err := aes.NewCipher(m)
		require.NoError(t, err, "%s: unwrapped material is no AES key", k.Label)
		out := make([]byte, 16)
		b.Encrypt(out, out)
		require.Equal(t, k.CheckValue, out[:3], "%s: unwrapped key's KCV %x, the token's %x", k.Label, out[:3], k.CheckValue)
	case hsm.CheckHMAC:
		h := map[int]func() hash.Hash{28: sha256.New224, 32: sha256.New, 48: sha512.New384, 64: sha512.New}[len(m)]
		require.NotNil(t, h, "%s: %d bytes of HMAC material", k.Label, len(m))
		mac := hmac.New(h, m)
		mac.Write([]byte(bundle.HMACCheckInput))
		got := mac.Sum(nil)[:8]
		require.Equal(t, k.CheckValue, got, "%s: unwrapped key's HMAC check value %x, the token's %x", k.Label, got, k.CheckValue)
	case hsm.CheckSPKISHA256:
		spki := publicOf(t, k, m)
		require.Equal(t, k.PublicKey, spki, "%s: unwrapped private key's public key is not the token's", k.Label)
		if k.MaterialLen != len(m) {
			// An estimate (rsaPKCS8Len): RSA PKCS#8 lengths vary by key.
			t.Logf("%s: MaterialLen %d, PKCS#8 is %d bytes", k.Label, k.MaterialLen, len(m))
		}
	default:
		t.Fatalf("%s: check method %v", k.Label, k.CheckMethod)
	}
}

// publicOf derives the SPKI of a PKCS#8 private key: with Go, or with
// OpenSSL for curves Go does not know (secp256k1).
func publicOf(t *testing.T, k *hsm.Key, m []byte) []byte {
	t.Helper()
	priv, err := x509.ParsePKCS8PrivateKey(m)
	if err == nil {
		spki, err := x509.MarshalPKIXPublicKey(priv.(crypto.Signer).Public())
		require.NoError(t, err)
		return spki
	}
	require.NotEmpty(t, k.Curve, "%s: unwrapped material is not PKCS#8: %v", k.Label, err)
	dir := t.TempDir()
	in := filepath.Join(dir, "pkcs8.der") // test material only
	require.NoError(t, os.WriteFile(in, m, 0o600))
	out, err := exec.Command("openssl", "pkey", "-inform", "DER", "-in", in, "-pubout", "-outform", "DER").Output()
	require.NoError(t, err, "%s: OpenSSL cannot read the unwrapped PKCS#8", k.Label)
	return out
}

// mech is the hsm mechanism of a KMS wrapping algorithm (the tables here
// are in KMS's names, as operators read them).
func mech(t *testing.T, alg string) hsm.WrapMechanism {
	t.Helper()
	m, err := ceremony.WrapMechanism(kmsrules.WrappingAlgorithm(alg))
	require.NoError(t, err)
	return m
}

// allowed reports whether KMS takes alg for spec.
func allowed(spec, alg string) bool {
	return kmsrules.KeySpec(spec).Allows(kmsrules.WrappingAlgorithm(alg))
}

// maker is a kind of token and the key specs its key generation makes here.
type maker struct {
	kind  string
	new   func(testing.TB) *hsmtest.Token
	specs []string
}

// makers: opencryptoki's soft token has no EC; SoftHSM comes last, since
// opencryptoki crashes when it is loaded after SoftHSM in one process.
var makers = []maker{
	{hsmtest.KindOpencryptoki, hsmtest.Opencryptoki, []string{"SYMMETRIC_DEFAULT", "HMAC_256", "RSA_2048"}},
	{hsmtest.KindNSS, hsmtest.NSS, []string{"SYMMETRIC_DEFAULT", "HMAC_256", "ECC_NIST_P256"}},
	{hsmtest.KindSoftHSM, hsmtest.SoftHSM, []string{"SYMMETRIC_DEFAULT", "HMAC_256", "ECC_NIST_P256", "RSA_2048"}},
}
