package verify

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func pubPEM(t *testing.T, pub any) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func TestLoadTrust(t *testing.T) {
	for name, alg := range map[string]string{"test-signer-p384": "ECDSA_P384", "test-signer-p256": "ECDSA_P256", "test-signer-rsa3072": "RSA_PSS_3072"} {
		k := trustOf(t, name)
		assert.Equal(t, alg, k.Algorithm, "%s: %+v", name, k)
		assert.Len(t, k.KeyID, 64, "%s: %+v", name, k)
	}
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	rsa2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	p384pem := readVector(t, "keys/test-signer-p384.pub.pem")
	cases := []struct {
		name string
		pem  []byte
		msg  string
	}{
		{"private key", readVector(t, "keys/test-signer-p384.key.pem"), `trusted key is not acceptable: PEM block "PRIVATE KEY", want "PUBLIC KEY": this is a private key`},
		{"P-521", pubPEM(t, &p521.PublicKey), "trusted key is not acceptable: ECDSA on P-521 (want P-256 or P-384)"},
		{"RSA 2048", pubPEM(t, &rsa2048.PublicKey), "trusted key is not acceptable: RSA 2048 bits (want at least 3072)"},
		{"Ed25519", pubPEM(t, edPub), "trusted key is not acceptable: ed25519.PublicKey (want ECDSA P-256/P-384 or RSA >= 3072 bits)"},
		{"two blocks", append(append([]byte{}, p384pem...), p384pem...), "trusted key is not acceptable: more than one PEM block or trailing data (one key per file)"},
		{"not PEM", []byte("hello"), "trusted key is not acceptable: no PEM block (want -----BEGIN PUBLIC KEY-----)"},
		{"garbage DER", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{0x30, 0x03, 1, 2, 3}}), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadTrust(c.pem)
			require.ErrorIs(t, err, ErrTrustKey, "want ErrTrustKey, got %v", err)
			if c.msg != "" {
				require.Equal(t, c.msg, err.Error())
			}
		})
	}
}

func TestLoadTrustFilesReportsEveryBadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(vectors, "keys/test-signer-p384.pub.pem")
	bad := filepath.Join(dir, "bad.pem")
	err := os.WriteFile(bad, []byte("nope"), 0o600)
	require.NoError(t, err)
	missing := filepath.Join(dir, "missing.pem")
	_, err = LoadTrustFiles(good, bad, missing)
	require.ErrorIs(t, err, ErrTrustKey, "want both problems, got %v", err)
	require.ErrorIs(t, err, os.ErrNotExist, "want both problems, got %v", err)
	require.Contains(t, err.Error(), bad+": trusted key", "messages do not name the files: %v", err)
	require.Contains(t, err.Error(), missing, "messages do not name the files: %v", err)
	keys, err := LoadTrustFiles(good, good)
	require.NoError(t, err, "LoadTrustFiles(good, good) = %v, %v", keys, err)
	require.Len(t, keys, 2, "LoadTrustFiles(good, good) = %v, %v", keys, err)
	require.Equal(t, good, keys[0].Source, "LoadTrustFiles(good, good) = %v, %v", keys, err)
	_, err = LoadTrustFiles()
	require.ErrorIs(t, err, ErrTrustKey, "no files: %v", err)
}
