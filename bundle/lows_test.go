package bundle

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every ECDSA signature a writer makes is in its low form, and its high form,
// which plain ECDSA accepts, is refused (R45): one spelling per signature.
func TestECDSASignaturesAreLowS(t *testing.T) {
	for _, curve := range []elliptic.Curve{elliptic.P256(), elliptic.P384()} {
		key, err := ecdsa.GenerateKey(curve, rand.Reader)
		require.NoError(t, err)
		n := curve.Params().N
		half := new(big.Int).Rsh(n, 1)
		payload := []byte(`{"n":1}`)
		// 32 signatures: a writer that did not normalise would give a
		// high s about half the time, so this fails with probability 1 - 2^-32.
		for i := 0; i < 32; i++ {
			env, err := SignEnvelope(ImportPayloadType, payload, key)
			require.NoError(t, err)
			sig, err := DecodeBase64("sig", env.Signatures[0].Sig)
			require.NoError(t, err)
			r, s, ok := parseECDSA(sig)
			require.True(t, ok)
			require.LessOrEqual(t, s.Cmp(half), 0, "%s: signature %d has a high s", curve.Params().Name, i)

			high, err := marshalECDSA(r, new(big.Int).Sub(n, s))
			require.NoError(t, err)
			h, _, err := scheme(&key.PublicKey)
			require.NoError(t, err)
			require.True(t, ecdsa.VerifyASN1(&key.PublicKey, digest(h, PAE(ImportPayloadType, payload)), high),
				"the high form verifies under plain ECDSA: that is the malleability R45 closes")
			err = VerifySignature(&key.PublicKey, ImportPayloadType, payload, high)
			require.True(t, errors.Is(err, ErrSignature), "the high form is refused: %v", err)
			require.ErrorIs(t, err, errHighS)
		}
	}
}
