// Package oracle undoes what an HSM wrapped without airwrap's code: the Go
// standard library for RSA-OAEP, the openssl command for RSA-AES key wrap
// (RFC 5649). Tests hold airwrap's output to it. It must not import
// airwrap's hsm package, so any package's tests can use it; nor airwrap's
// rules (verify), so it stays an independent check. Material handled here
// is test material only.
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
)

// Fataler is what the helpers need of a test: testing.TB and
// testscript.TestScript both have it.
type Fataler interface {
	Fatalf(format string, args ...any)
}

// algorithms are the KMS wrapping algorithms this oracle undoes, written
// out here from AWS's documentation rather than taken from airwrap's table.
var algorithms = map[string]struct {
	hash crypto.Hash
	oaep bool // RSAES_OAEP_*; otherwise RSA_AES_KEY_WRAP_*
}{
	"RSAES_OAEP_SHA_1":         {crypto.SHA1, true},
	"RSAES_OAEP_SHA_256":       {crypto.SHA256, true},
	"RSA_AES_KEY_WRAP_SHA_1":   {crypto.SHA1, false},
	"RSA_AES_KEY_WRAP_SHA_256": {crypto.SHA256, false},
}

// Unwrap undoes the KMS wrapping algorithm alg (by its KMS name): RSA-OAEP
// with the Go standard library, RSA-AES with OpenSSL (UnwrapRSAAES). It
// fails the test on an unknown algorithm and on any error.
func Unwrap(t Fataler, priv *rsa.PrivateKey, alg string, blob []byte) []byte {
	a, ok := algorithms[alg]
	if !ok {
		t.Fatalf("oracle: unknown wrapping algorithm %q", alg)
		return nil
	}
	if a.oaep {
		m, err := UnwrapOAEP(priv, a.hash, blob)
		if err != nil {
			t.Fatalf("oracle: %s: Go's RSA-OAEP(%v) does not unwrap it: %v", alg, a.hash, err)
		}
		return m
	}
	m, err := UnwrapRSAAES(priv, a.hash, blob)
	if err != nil {
		t.Fatalf("oracle: %s: %v", alg, err)
	}
	return m
}

// UnwrapOAEP undoes RSAES_OAEP_SHA_* with the Go standard library: OAEP with
// hash for both the digest and MGF1, empty label.
func UnwrapOAEP(priv *rsa.PrivateKey, hash crypto.Hash, blob []byte) ([]byte, error) {
	return rsa.DecryptOAEP(hash.New(), nil, priv, blob, nil)
}

// UnwrapRSAAESWithOpenSSL is UnwrapRSAAES that fails the test on any error.
func UnwrapRSAAESWithOpenSSL(t Fataler, priv *rsa.PrivateKey, hash crypto.Hash, blob []byte) []byte {
	m, err := UnwrapRSAAES(priv, hash, blob)
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return m
}

// UnwrapRSAAES undoes RSA_AES_KEY_WRAP_SHA_* with the openssl command:
// RSA-OAEP on the first k bytes gives the AES-256 key, then AES-KWP (RFC
// 5649) on the rest gives the material. Test material only: the AES key
// goes into openssl's argv.
func UnwrapRSAAES(priv *rsa.PrivateKey, hash crypto.Hash, blob []byte) ([]byte, error) {
	k := priv.Size()
	if len(blob) <= k {
		return nil, fmt.Errorf("RSA-AES blob of %d bytes is not longer than the %d-byte RSA part", len(blob), k)
	}
	md, err := opensslDigest(hash)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "airwrap-oracle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	keyPath := filepath.Join(dir, "key.pem")
	rsaPath := filepath.Join(dir, "rsa.bin")
	kwpPath := filepath.Join(dir, "kwp.bin")
	aesPath := filepath.Join(dir, "aes.bin")
	outPath := filepath.Join(dir, "material.bin")
	for p, b := range map[string][]byte{
		keyPath: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		rsaPath: blob[:k],
		kwpPath: blob[k:],
	} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return nil, err
		}
	}
	if err := openssl("pkeyutl", "-decrypt", "-inkey", keyPath, "-in", rsaPath, "-out", aesPath,
		"-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:"+md, "-pkeyopt", "rsa_mgf1_md:"+md); err != nil {
		return nil, err
	}
	aesKey, err := os.ReadFile(aesPath)
	if err != nil {
		return nil, err
	}
	if len(aesKey) != 32 {
		return nil, fmt.Errorf("RSA part holds %d bytes, want a 32-byte AES-256 key", len(aesKey))
	}
	if err := openssl("enc", "-d", "-id-aes256-wrap-pad", "-K", hex.EncodeToString(aesKey), "-iv", "A65959A6",
		"-in", kwpPath, "-out", outPath); err != nil {
		return nil, err
	}
	return os.ReadFile(outPath)
}

func opensslDigest(h crypto.Hash) (string, error) {
	switch h {
	case crypto.SHA1:
		return "sha1", nil
	case crypto.SHA256:
		return "sha256", nil
	}
	return "", fmt.Errorf("no OpenSSL name for hash %v", h)
}

func openssl(args ...string) error {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		return fmt.Errorf("openssl not on PATH: %w; install it: apt-get install openssl", err)
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("openssl %s: %w\n%s", args[0], err, out)
	}
	return nil
}
