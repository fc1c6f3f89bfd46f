package bench

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// recipe is the AWS-documented way to wrap key material for import, with
// OpenSSL, one process per step, on material in the clear in a file: the
// baseline airwrap replaces. The material here is a throwaway test key.
type recipe struct {
	dir, openssl, pub, material string
}

func newRecipe(b *testing.B, wk *rsa.PublicKey, spec string) *recipe {
	b.Helper()
	bin, err := exec.LookPath("openssl")
	require.NoError(b, err, "openssl not on PATH: %v (apt-get install openssl)", err)
	r := &recipe{dir: b.TempDir(), openssl: bin}
	der, err := x509.MarshalPKIXPublicKey(wk)
	require.NoError(b, err)
	r.pub = write(b, r.dir, "wrapping.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	var m []byte
	switch spec {
	case "SYMMETRIC_DEFAULT":
		m = make([]byte, 32)
		_, _ = rand.Read(m)
	case "ECC_NIST_P384":
		k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		require.NoError(b, err)
		m, err = x509.MarshalPKCS8PrivateKey(k)
		require.NoError(b, err)
	default:
		b.Fatalf("no recipe material for %s", spec)
	}
	r.material = write(b, r.dir, "material.bin", m)
	return r
}

func write(b *testing.B, dir, name string, data []byte) string {
	b.Helper()
	p := filepath.Join(dir, name)
	require.NoError(b, os.WriteFile(p, data, 0o600))
	return p
}

func (r *recipe) run(b *testing.B, args ...string) {
	b.Helper()
	out, err := exec.Command(r.openssl, args...).CombinedOutput()
	require.NoError(b, err, "openssl %v: %v\n%s", args, err, out)
}

// pkeyutl: openssl pkeyutl -encrypt with RSA-OAEP(SHA-1) of in to out.
func (r *recipe) pkeyutl(b *testing.B, in, out string) {
	r.run(b, "pkeyutl", "-encrypt", "-pubin", "-inkey", r.pub, "-in", in, "-out", out,
		"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1")
}

// oaep is RSAES_OAEP_SHA_1: one openssl pkeyutl.
func (r *recipe) oaep(b *testing.B) {
	r.pkeyutl(b, r.material, filepath.Join(r.dir, "EncryptedKeyMaterial.bin"))
}

// rsaAES is RSA_AES_KEY_WRAP_SHA_1 as the AWS guide writes it: openssl rand
// for the AES key, openssl enc -id-aes256-wrap-pad, openssl pkeyutl of the
// AES key, then the two outputs concatenated.
func (r *recipe) rsaAES(b *testing.B) {
	aesKey := filepath.Join(r.dir, "aes.bin")
	r.run(b, "rand", "-out", aesKey, "32")
	k, err := os.ReadFile(aesKey)
	require.NoError(b, err)
	kwp := filepath.Join(r.dir, "kwp.bin")
	r.run(b, "enc", "-id-aes256-wrap-pad", "-K", hex.EncodeToString(k), "-iv", "A65959A6", "-in", r.material, "-out", kwp)
	rsaPart := filepath.Join(r.dir, "rsa.bin")
	r.pkeyutl(b, aesKey, rsaPart)
	p1, err1 := os.ReadFile(rsaPart)
	p2, err2 := os.ReadFile(kwp)
	require.NoError(b, err1, "%v %v", err1, err2)
	require.NoError(b, err2, "%v %v", err1, err2)
	write(b, r.dir, "EncryptedKeyMaterial.bin", append(p1, p2...))
}
