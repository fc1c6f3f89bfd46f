// Package crypto11interop proves that a ceremony signer made by `airwrap
// signer generate` is an ordinary PKCS#11 key pair that other Go signing
// tools can find and use: github.com/ThalesGroup/crypto11 (what sigstore's
// cosign and many others use) finds it by label and signs with it, and the
// signature verifies as a bundle signature under the PEM that `airwrap
// signer export` wrote.
//
// crypto11 cannot share a process with airwrap's own PKCS#11 session (it
// calls C_Initialize itself and refuses a module already initialised), so
// airwrap runs here as its own binary and this package's test process
// loads the module only through crypto11.
package crypto11interop

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ThalesGroup/crypto11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/airwrap/airwrap/verify"
)

// buildAirwrap builds the offline binary from this tree.
func buildAirwrap(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "airwrap")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/airwrap").CombinedOutput()
	require.NoError(t, err, "go build ./cmd/airwrap: %s", out)
	return bin
}

func airwrap(t *testing.T, bin string, tok *softhsmtest.Token, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--module", tok.Module, "--token", tok.Label}, args...)...)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+tok.ConfPath, "AIRWRAP_PIN="+tok.PIN)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "airwrap %v: %s", args, out)
}

func TestCrypto11SignsWithAirwrapSigner(t *testing.T) {
	bin := buildAirwrap(t)
	tok := softhsmtest.New(t)
	dir := t.TempDir()

	algs := []string{"ECDSA_P384", "ECDSA_P256", "RSA_PSS_3072"}
	pems := map[string][]byte{}
	for _, alg := range algs {
		label := "signer-" + alg
		pemPath := filepath.Join(dir, label+".pem")
		airwrap(t, bin, tok, "signer", "generate", "--label", label, "--algorithm", alg)
		airwrap(t, bin, tok, "signer", "export", "--label", label, "--out", pemPath)
		b, err := os.ReadFile(pemPath)
		require.NoError(t, err)
		pems[alg] = b
	}

	ctx, err := crypto11.Configure(&crypto11.Config{Path: tok.Module, TokenLabel: tok.Label, Pin: tok.PIN})
	require.NoError(t, err, "crypto11.Configure")
	t.Cleanup(func() { assert.NoError(t, ctx.Close()) })

	payload := []byte(`{"type":"crypto11 interop","n":1}`)
	for _, alg := range algs {
		t.Run(alg, func(t *testing.T) {
			trusted, err := verify.LoadTrust(pems[alg])
			require.NoError(t, err)

			s, err := ctx.FindKeyPair(nil, []byte("signer-"+alg))
			require.NoError(t, err, "crypto11 finds the signer by label")
			require.NotNil(t, s, "crypto11 finds the signer by label")
			assertSamePublic(t, trusted.Public, s.Public())

			env, err := bundle.SignEnvelope(bundle.ImportPayloadType, payload, s)
			require.NoError(t, err, "a bundle signature made through crypto11")
			got, signers, err := verify.VerifyEnvelope(env, []verify.TrustedKey{trusted}, 1)
			require.NoError(t, err, "the crypto11 signature verifies under the exported PEM")
			assert.Equal(t, payload, got)
			assert.Len(t, signers, 1)

			// The same signature does not verify under another signer's key.
			other := algs[(slices.Index(algs, alg)+1)%len(algs)]
			otherKey, err := verify.LoadTrust(pems[other])
			require.NoError(t, err)
			_, _, err = verify.VerifyEnvelope(env, []verify.TrustedKey{otherKey}, 1)
			assert.Error(t, err, "a signature by %s must not verify under %s", alg, other)
		})
	}
}

func assertSamePublic(t *testing.T, want, got crypto.PublicKey) {
	t.Helper()
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch w := want.(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey:
		assert.True(t, w.(equaler).Equal(got), "crypto11's public key is the one airwrap exported")
	default:
		t.Fatalf("unexpected trusted key type %T", want)
	}
}
