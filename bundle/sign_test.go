package bundle

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"io"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hsmLike is a signer that, like an HSM, must get no randomness from us: it
// records whether the reader it was given produced any bytes.
type hsmLike struct {
	crypto.Signer
	gotRandom bool
}

func (h *hsmLike) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if _, err := r.Read(make([]byte, 1)); err == nil {
		h.gotRandom = true
	}
	return h.Signer.Sign(rand.Reader, digest, opts)
}

func TestSignEnvelopeEachAlgorithm(t *testing.T) {
	payload := []byte(`{"hello":"world"}`)
	for _, name := range keys.Signers {
		t.Run(name, func(t *testing.T) {
			s := &hsmLike{Signer: keys.Signer(t, name)}
			env, err := SignEnvelope(ImportPayloadType, payload, s)
			require.NoError(t, err)
			_, isRSA := s.Public().(*rsa.PublicKey)
			require.Equal(t, isRSA, s.gotRandom, "signer got randomness: %v (only RSA-PSS salts need it)", s.gotRandom)
			id, _ := KeyID(s.Public())
			require.Len(t, env.Signatures, 1, "signatures: %+v", env.Signatures)
			require.Equal(t, id, env.Signatures[0].KeyID, "signatures: %+v", env.Signatures)
			sig, _ := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
			err = VerifySignature(s.Public(), ImportPayloadType, payload, sig)
			require.NoError(t, err)
			err = VerifySignature(s.Public(), "other/type", payload, sig)
			require.ErrorIs(t, err, ErrSignature, "signature verified under another payload type: %v", err)
			err = VerifySignature(s.Public(), ImportPayloadType, append(payload, ' '), sig)
			require.ErrorIs(t, err, ErrSignature, "signature verified for another payload: %v", err)
		})
	}
}

func TestSignEnvelopeRefusesWeakOrOtherKeys(t *testing.T) {
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	r2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	for name, s := range map[string]crypto.Signer{"P-521": p521, "RSA-2048": r2048, "Ed25519": ed} {
		_, err := SignEnvelope(ImportPayloadType, []byte("{}"), s)
		assert.ErrorIs(t, err, ErrSignerKey, "%s: want ErrSignerKey, got %v", name, err)
	}
	_, err := SignEnvelope(ImportPayloadType, []byte("{}"))
	assert.ErrorIs(t, err, ErrSignerKey, "no signer: %v", err)
}

// brokenSigner returns a signature that does not verify: SignEnvelope must
// notice right after signing.
type brokenSigner struct{ crypto.Signer }

func (b brokenSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	sig, err := b.Signer.Sign(r, d, o)
	if err == nil {
		sig[len(sig)-1] ^= 1
	}
	return sig, err
}

func TestSignEnvelopeVerifiesRightAfterSigning(t *testing.T) {
	_, err := SignEnvelope(ImportPayloadType, []byte("{}"), brokenSigner{keys.Signer(t, "test-signer-p256")})
	require.ErrorIs(t, err, ErrSignature, "want ErrSignature, got %v", err)
}

func TestAddSignatureRefusesTheSameKeyTwice(t *testing.T) {
	s := keys.Signer(t, "test-signer-p384")
	env, err := SignEnvelope(ImportPayloadType, []byte("{}"), s)
	require.NoError(t, err)
	err = AddSignature(env, s)
	require.ErrorIs(t, err, ErrSignerKey, "want ErrSignerKey, got %v", err)
	err = AddSignature(env, keys.Signer(t, "test-signer-p256"))
	require.NoError(t, err, "second officer")
	require.Len(t, env.Signatures, 2, "second officer: %v", err)
}
