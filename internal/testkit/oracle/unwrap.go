// Package oracle undoes what an HSM wrapped without airwrap's code: the Go
// standard library for RSA-OAEP, the openssl command for RSA-AES key wrap
// (RFC 5649). Tests hold airwrap's output to it. It must not import
// airwrap's hsm package, so any package's tests can use it. Material handled
// here is test material only.
package oracle

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// UnwrapOAEP undoes RSAES_OAEP_SHA_* with the Go standard library: OAEP with
// hash for both the digest and MGF1, empty label.
func UnwrapOAEP(priv *rsa.PrivateKey, hash crypto.Hash, blob []byte) ([]byte, error) {
	return rsa.DecryptOAEP(hash.New(), nil, priv, blob, nil)
}

// UnwrapRSAAESWithOpenSSL undoes RSA_AES_KEY_WRAP_SHA_* with the openssl
// command: RSA-OAEP on the first k bytes gives the AES-256 key, then
// AES-KWP (RFC 5649) on the rest gives the material. It fails the test on
// any error. Test material only: the AES key goes into openssl's argv.
func UnwrapRSAAESWithOpenSSL(t testing.TB, priv *rsa.PrivateKey, hash crypto.Hash, blob []byte) []byte {
	t.Helper()
	k := priv.Size()
	if len(blob) <= k {
		t.Fatalf("oracle: RSA-AES blob of %d bytes is not longer than the %d-byte RSA part", len(blob), k)
	}
	md, err := opensslDigest(hash)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatalf("oracle: marshal key: %v", err)
	}
	keyPath := write(t, dir, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	rsaPath := write(t, dir, "rsa.bin", blob[:k])
	kwpPath := write(t, dir, "kwp.bin", blob[k:])
	aesPath := filepath.Join(dir, "aes.bin")
	outPath := filepath.Join(dir, "material.bin")

	openssl(t, "pkeyutl", "-decrypt", "-inkey", keyPath, "-in", rsaPath, "-out", aesPath,
		"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:"+md, "-pkeyopt", "rsa_mgf1_md:"+md)
	aesKey := read(t, aesPath)
	if len(aesKey) != 32 {
		t.Fatalf("oracle: RSA part holds %d bytes, want a 32-byte AES-256 key", len(aesKey))
	}
	openssl(t, "enc", "-d", "-id-aes256-wrap-pad", "-K", hex.EncodeToString(aesKey), "-iv", "A65959A6",
		"-in", kwpPath, "-out", outPath)
	return read(t, outPath)
}

func opensslDigest(h crypto.Hash) (string, error) {
	switch h {
	case crypto.SHA1:
		return "sha1", nil
	case crypto.SHA256:
		return "sha256", nil
	}
	return "", fmt.Errorf("oracle: no OpenSSL name for hash %v", h)
}

func openssl(t testing.TB, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatalf("oracle: openssl not on PATH: %v; install it: apt-get install openssl", err)
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("oracle: openssl %s: %v\n%s", args[0], err, out)
	}
}

func write(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return p
}

func read(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return b
}
