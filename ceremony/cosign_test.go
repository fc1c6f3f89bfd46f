package ceremony

import (
	"crypto"
	"os"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/require"
)

// The published test keys and vectors of package bundle (never trust them).
func vectorSigner(t *testing.T, name string) (crypto.Signer, verify.TrustedKey) {
	tk, err := verify.LoadTrust(keys.PublicPEM(t, name))
	require.NoError(t, err)
	return keys.Signer(t, name), tk
}

func TestCosign(t *testing.T) {
	data, err := os.ReadFile("../bundle/testdata/envelope/valid-p384.json")
	require.NoError(t, err)
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) // the vectors' parameters are valid then
	a, trustA := vectorSigner(t, "test-signer-p384")
	b, trustB := vectorSigner(t, "test-signer-p256")

	cs, err := ReadForCosign(data, []verify.TrustedKey{trustA}, at)
	require.NoError(t, err)
	require.Len(t, cs.SignedBy, 1, "signed by %v, trusted %v", cs.SignedBy, cs.TrustedBy)
	require.Equal(t, trustA.KeyID, cs.SignedBy[0], "signed by %v, trusted %v", cs.SignedBy, cs.TrustedBy)
	require.Len(t, cs.TrustedBy, 1, "signed by %v, trusted %v", cs.SignedBy, cs.TrustedBy)
	out, _, err := cs.Sign(b)
	require.NoError(t, err)
	env, err := bundle.ParseEnvelope(out)
	require.NoError(t, err)
	require.Equal(t, cs.Envelope.Payload, env.Payload, "the payload or the first signature changed")
	require.Len(t, env.Signatures, 2, "the payload or the first signature changed")
	require.Equal(t, cs.Envelope.Signatures[0], env.Signatures[0], "the payload or the first signature changed")
	_, by, err := verify.VerifyEnvelope(env, []verify.TrustedKey{trustA, trustB}, 2)
	require.NoError(t, err, "threshold 2 after cosign: %v", err)
	require.Len(t, by, 2, "threshold 2 after cosign: %v", err)
	_, _, err = cs.Sign(a)
	require.ErrorIs(t, err, ErrAlreadySigned, "the first signer signed again")
	_, err = ReadForCosign(out, nil, at)
	require.NoError(t, err)
	// --trust with a key that has not signed: refused before signing.
	_, err = ReadForCosign(data, []verify.TrustedKey{trustB}, at)
	require.ErrorIs(t, err, verify.ErrUntrusted, "untrusted first signature")
	// Expired parameters: nothing to cosign.
	_, err = ReadForCosign(data, nil, at.Add(48*time.Hour))
	require.ErrorIs(t, err, verify.ErrParamsExpired, "expired")
	// Not an import bundle.
	params, _ := os.ReadFile("../bundle/testdata/params/valid-one-entry.json")
	_, err = ReadForCosign(params, nil, at)
	require.ErrorIs(t, err, bundle.ErrMalformed, "params accepted")
}
