package hsm

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSigners(t *testing.T) {
	tok, _ := openTest(t)
	msg := []byte("DSSEv1 28 application/vnd.airwrap.import.v1+json 2 {}")
	for _, alg := range []string{SignerECDSAP384, SignerECDSAP256, SignerRSAPSS3072} {
		label := "signer-" + alg
		s, err := tok.GenerateSigner(label, alg)
		require.NoError(t, err, "%s", alg)
		require.Equal(t, alg, s.Algorithm(), "%s: %s %s", alg, s.Algorithm(), s.Label())
		require.Equal(t, label, s.Label(), "%s: %s %s", alg, s.Algorithm(), s.Label())
		// Load it again, as a later run would.
		s, err = tok.FindSigner(label)
		require.NoError(t, err, "FindSigner %s: %v", alg, err)
		require.Equal(t, alg, s.Algorithm(), "FindSigner %s: %v", alg, err)
		switch pub := s.Public().(type) {
		case *ecdsa.PublicKey:
			var d []byte
			var opts crypto.Hash
			if alg == SignerECDSAP384 {
				sum := sha512.Sum384(msg)
				d, opts = sum[:], crypto.SHA384
			} else {
				sum := sha256.Sum256(msg)
				d, opts = sum[:], crypto.SHA256
			}
			sig, err := s.Sign(rand.Reader, d, opts)
			require.NoError(t, err)
			require.True(t, ecdsa.VerifyASN1(pub, d, sig), "%s: signature does not verify", alg)
			d[0] ^= 1
			require.False(t, ecdsa.VerifyASN1(pub, d, sig), "%s: signature verifies a different digest", alg)
		case *rsa.PublicKey:
			sum := sha256.Sum256(msg)
			opts := &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}
			sig, err := s.Sign(rand.Reader, sum[:], opts)
			require.NoError(t, err)
			require.Equal(t, 3072, pub.N.BitLen(), "RSA signer of %d bits", pub.N.BitLen())
			require.NoError(t, rsa.VerifyPSS(pub, crypto.SHA256, sum[:], sig, &rsa.PSSOptions{SaltLength: 32}), "PSS")
			_, err = s.Sign(rand.Reader, sum[:], crypto.SHA256)
			require.ErrorIs(t, err, ErrUnsupported, "PKCS#1 v1.5 opts accepted")
		default:
			t.Fatalf("%s: public key %T", alg, pub)
		}
	}
	_, err := tok.GenerateSigner("signer-ECDSA_P256", SignerECDSAP256)
	require.ErrorIs(t, err, ErrDuplicateLabel, "duplicate label")
	_, err = tok.FindSigner("nope")
	require.ErrorIs(t, err, ErrKeyNotFound, "missing")
	// Signers are listed, marked, and not extractable.
	keys, err := tok.ListKeys()
	require.NoError(t, err)
	require.Len(t, keys, 3, "listed %d keys", len(keys))
	for _, k := range keys {
		require.True(t, k.Signer, "signer listed as %+v", k)
		require.False(t, k.Extractable, "signer listed as %+v", k)
		require.True(t, k.Sensitive, "signer listed as %+v", k)
		require.NoError(t, k.SignerCheck.Err(k.Label), "signer listed as %+v", k)
		require.Len(t, k.SignerCheck, len(signerRules), "signer listed as %+v", k)
		for _, a := range k.SignerCheck {
			assert.True(t, a.Reported, "%s: %s not reported", k.Label, a.Name) // SoftHSM reports every one
		}
	}
	// A default algorithm, and an importable key is not a signer.
	s, err := tok.GenerateSigner("default", "")
	require.NoError(t, err, "default: %v", err)
	require.Equal(t, SignerECDSAP384, s.Algorithm(), "default: %v", err)
	_, err = tok.GenerateKey("aes", specParams(t, "SYMMETRIC_DEFAULT"))
	require.NoError(t, err)
	_, err = tok.FindSigner("aes")
	require.ErrorIs(t, err, ErrKeyNotFound, "secret key as signer")
	_, err = tok.GenerateKey("importable-ec", specParams(t, "ECC_NIST_P256"))
	require.NoError(t, err)
	_, err = tok.FindSigner("importable-ec")
	require.ErrorIs(t, err, ErrNotSigner, "extractable key as signer")
}
