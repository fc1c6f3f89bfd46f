// Package keys hands tests the published test keys and known test key
// material. The key files live in bundle/testdata/keys, next to the vectors
// signed with them; bundle's vector generator (-update) creates any that
// are missing. They are TEST KEYS, published with the source: never trust
// them for anything. This package must not import airwrap's packages, so
// any package's tests (bundle's and verify's own included) can use it.
package keys

import (
	"crypto"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Signers are the signing test keys, by file stem.
var Signers = []string{"test-signer-p384", "test-signer-p256", "test-signer-rsa3072"}

// regenerate is what to run when a key file is missing.
const regenerate = "run go test ./bundle -run TestGenerateVectors -update"

// Dir is the directory of the key files (bundle/testdata/keys), found from
// the module root above the test's working directory.
func Dir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err, "keys")
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "bundle", "testdata", "keys")
		}
		require.NotEqual(t, dir, filepath.Dir(dir), "keys: no go.mod above %s", wd)
	}
}

// File reads the key file name (e.g. "test-signer-p384.pub.pem").
func File(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(t), name))
	require.NoError(t, err, "test key %s: %v (%s)", name, err, regenerate)
	return b
}

// Signer is the private half of the signing test key name
// (test-signer-p384, test-signer-p256, test-signer-rsa3072), from its
// PKCS#8 PEM file.
func Signer(t testing.TB, name string) crypto.Signer {
	t.Helper()
	s, err := ParseSigner(File(t, name+".key.pem"))
	require.NoError(t, err, "test key %s", name)
	return s
}

// ParseSigner reads a PKCS#8 PEM private key that can sign (a published
// test key, or one a script made with openssl).
func ParseSigner(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("a %T cannot sign", k)
	}
	return s, nil
}

// PublicPEM is the PUBLIC KEY PEM file of the test key name.
func PublicPEM(t testing.TB, name string) []byte {
	t.Helper()
	return File(t, name+".pub.pem")
}

// WrappingDER is the DER SubjectPublicKeyInfo of the RSA test wrapping key
// of bits bits (2048, 3072, 4096), from its PUBLIC KEY PEM file.
func WrappingDER(t testing.TB, bits int) []byte {
	t.Helper()
	name := fmt.Sprintf("wrap-rsa%d.pub.pem", bits)
	block, _ := pem.Decode(File(t, name))
	require.NotNil(t, block, "test key %s: no PUBLIC KEY PEM block", name)
	require.Equal(t, "PUBLIC KEY", block.Type, "test key %s: no PUBLIC KEY PEM block", name)
	return block.Bytes
}

// Material is n bytes (at most 64) of test key material derived from seed,
// so a test (or a script) names the seed and never holds the material;
// whoever needs the material derives it again to compare.
func Material(seed string, n int) []byte {
	if n < 0 || n > sha512.Size {
		panic(fmt.Sprintf("keys.Material: %d bytes asked, at most %d", n, sha512.Size))
	}
	s := sha512.Sum512([]byte("airwrap-test-material:" + seed))
	return s[:n]
}
