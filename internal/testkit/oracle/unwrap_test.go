package oracle

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return k
}

func TestUnwrapOAEP(t *testing.T) {
	k := rsaKey(t)
	msg := bytes.Repeat([]byte{0x42}, 32)
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		blob, err := rsa.EncryptOAEP(h.New(), rand.Reader, &k.PublicKey, msg, nil)
		require.NoError(t, err)
		got, err := UnwrapOAEP(k, h, blob)
		require.NoError(t, err, "%v: got %x, %v", h, got, err)
		require.Equal(t, msg, got, "%v: got %x, %v", h, got, err)
	}
}

// TestUnwrapRSAAESWithOpenSSL builds blobs the way AWS's own recipe does
// (openssl enc -id-aes256-wrap-pad, RSA-OAEP of the AES key) and undoes them.
func TestUnwrapRSAAESWithOpenSSL(t *testing.T) {
	k := rsaKey(t)
	aesKey := make([]byte, 32)
	rand.Read(aesKey)
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		for _, n := range []int{28, 32, 67, 1218} {
			material := make([]byte, n)
			rand.Read(material)
			dir := t.TempDir()
			in := filepath.Join(dir, "in")
			out := filepath.Join(dir, "out")
			os.WriteFile(in, material, 0o600)
			o, err := exec.Command("openssl", "enc", "-id-aes256-wrap-pad", "-K", hex.EncodeToString(aesKey),
				"-iv", "A65959A6", "-in", in, "-out", out).CombinedOutput()
			require.NoError(t, err, "%s", o)
			kwp, _ := os.ReadFile(out)
			require.Len(t, kwp, (n+7)/8*8+8, "KWP of %d bytes is %d bytes", n, len(kwp))
			rsaPart, err := rsa.EncryptOAEP(h.New(), rand.Reader, &k.PublicKey, aesKey, nil)
			require.NoError(t, err)
			got := UnwrapRSAAESWithOpenSSL(t, k, h, append(rsaPart, kwp...))
			require.Equal(t, material, got, "%v n=%d: unwrapped %d bytes, not the material", h, n, len(got))
		}
	}
}

// fatals records Fatalf instead of ending the test.
type fatals []string

func (f *fatals) Fatalf(format string, args ...any) { *f = append(*f, format) }

// TestUnwrapByName: each KMS algorithm name undoes its own scheme, and an
// unknown name fails rather than guessing.
func TestUnwrapByName(t *testing.T) {
	k := rsaKey(t)
	material := bytes.Repeat([]byte{0x5a}, 32)
	for alg, h := range map[string]crypto.Hash{"RSAES_OAEP_SHA_1": crypto.SHA1, "RSAES_OAEP_SHA_256": crypto.SHA256} {
		blob, err := rsa.EncryptOAEP(h.New(), rand.Reader, &k.PublicKey, material, nil)
		require.NoError(t, err)
		got := Unwrap(t, k, alg, blob)
		require.Equal(t, material, got, "%s: unwrapped %x", alg, got)
		var f fatals
		Unwrap(&f, k, "RSA_AES_KEY_WRAP"+alg[len("RSAES_OAEP"):], blob)
		require.Len(t, f, 1, "an OAEP blob unwrapped as RSA-AES: %q", f)
	}
	var f fatals
	Unwrap(&f, k, "RSAES_PKCS1_V1_5", []byte{1})
	require.Len(t, f, 1, "unknown algorithm: %q", f)
}
