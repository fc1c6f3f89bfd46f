package bundle

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// Test keys live in testdata/keys. They are TEST KEYS, published with the
// source: never trust them for anything. The vector generator (-update)
// creates any that are missing; normal runs only read them, through
// internal/testkit/keys (the one loader every package's tests use).

const keysDir = "testdata/keys"

func itoa(n int) string { return strconv.Itoa(n) }

// ensureKeys creates missing test keys (generator only).
func ensureKeys(t *testing.T) {
	err := os.MkdirAll(keysDir, 0o755)
	require.NoError(t, err)
	gen := map[string]func() (crypto.Signer, error){
		"test-signer-p384":    func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P384(), rand.Reader) },
		"test-signer-p256":    func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) },
		"test-signer-rsa3072": func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 3072) },
	}
	for name, g := range gen {
		path := filepath.Join(keysDir, name+".key.pem")
		if _, err := os.Stat(path); err == nil {
			continue
		}
		k, err := g()
		require.NoError(t, err)
		der, err := x509.MarshalPKCS8PrivateKey(k)
		require.NoError(t, err)
		pubDER, err := x509.MarshalPKIXPublicKey(k.Public())
		require.NoError(t, err)
		head := "TEST KEY for airwrap's test vectors only: published, never trust it.\n"
		writeFile(t, path, append([]byte(head), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...))
		writeFile(t, filepath.Join(keysDir, name+".pub.pem"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	}
	for _, bits := range []int{2048, 3072, 4096} {
		path := filepath.Join(keysDir, "wrap-rsa"+itoa(bits)+".pub.pem")
		if _, err := os.Stat(path); err == nil {
			continue
		}
		k, err := rsa.GenerateKey(rand.Reader, bits)
		require.NoError(t, err)
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		require.NoError(t, err)
		writeFile(t, path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	err := os.MkdirAll(filepath.Dir(path), 0o755)
	require.NoError(t, err)
	err = os.WriteFile(path, data, 0o644)
	require.NoError(t, err)
}

// detBytes is n deterministic bytes derived from label: stand-ins for
// tokens and ciphertexts in vectors, stable across regeneration.
func detBytes(label string, n int) []byte {
	out := make([]byte, 0, n+32)
	var ctr [4]byte
	for i := uint32(0); len(out) < n; i++ {
		binary.BigEndian.PutUint32(ctr[:], i)
		sum := sha256.Sum256(append([]byte(label), ctr[:]...))
		out = append(out, sum[:]...)
	}
	return out[:n]
}
