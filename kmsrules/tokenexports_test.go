package kmsrules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// softHSM is what SoftHSM 2.6.1 measures of itself (hsm/keykinds_test.go):
// SHA-1 only, no RSA private key.
var softHSM = TokenExports{
	SymmetricDefault: {Algorithms: []WrappingAlgorithm{RSAESOAEPSHA1}},
	"HMAC_256":       {Algorithms: []WrappingAlgorithm{RSAESOAEPSHA1}},
	"ECC_NIST_P384":  {Algorithms: []WrappingAlgorithm{RSAAESKeyWrapSHA1}},
	"RSA_2048":       {Why: "RSA_AES_KEY_WRAP_SHA_1: mis-pads"},
}

// TestChooseTokenAlgorithm: with a token's capabilities the choice is the
// strongest algorithm the token produces, not the strongest KMS allows; a
// spec the token cannot export is refused with the token's reason, and an
// explicit algorithm the token does not produce is refused naming the ones
// it does.
func TestChooseTokenAlgorithm(t *testing.T) {
	for _, c := range []struct {
		spec KeySpec
		alg  WrappingAlgorithm
		want WrappingAlgorithm
		err  string
	}{
		{spec: SymmetricDefault, want: RSAESOAEPSHA1},
		{spec: "ECC_NIST_P384", want: RSAAESKeyWrapSHA1},
		{spec: "HMAC_256", alg: RSAESOAEPSHA1, want: RSAESOAEPSHA1},
		{spec: "HMAC_256", alg: RSAESOAEPSHA256, err: "the token cannot export this key spec: HMAC_256 keys with RSAES_OAEP_SHA_256 (it exports them with [RSAES_OAEP_SHA_1])"},
		{spec: "RSA_2048", err: "the token cannot export this key spec: RSA_2048 keys with any wrapping algorithm KMS allows (token: RSA_AES_KEY_WRAP_SHA_1: mis-pads)"},
		{spec: "ECC_NIST_P256", err: "the token cannot export this key spec: ECC_NIST_P256 keys with any wrapping algorithm KMS allows (token: the capabilities list no algorithm for it)"},
	} {
		got, err := ChooseTokenAlgorithm(c.spec, c.alg, "RSA_4096", softHSM)
		if c.err != "" {
			assert.EqualError(t, err, c.err, "%s %s: got %q", c.spec, c.alg, got)
			assert.ErrorIs(t, err, ErrTokenCannotExport, "%s %s", c.spec, c.alg)
			continue
		}
		assert.NoError(t, err, "%s %s", c.spec, c.alg)
		assert.Equal(t, c.want, got, "%s %s", c.spec, c.alg)
	}
	// Nothing known about the token: the rules' strongest, as ChooseAlgorithm.
	got, err := ChooseTokenAlgorithm(SymmetricDefault, "", "RSA_4096", nil)
	require.NoError(t, err, "nil capabilities")
	require.Equal(t, RSAESOAEPSHA256, got, "nil capabilities")
	// A produced algorithm that does not fit still says why it does not fit.
	tiny := TokenExports{"ECC_NIST_P521": {Algorithms: []WrappingAlgorithm{RSAESOAEPSHA256}}}
	_, err = ChooseTokenAlgorithm("ECC_NIST_P521", "", "RSA_2048", tiny)
	require.ErrorIs(t, err, ErrMaterialTooLarge, "P-521 under OAEP with RSA_2048")
	require.ErrorContains(t, err, "RSAES_OAEP_SHA_256", "P-521 under OAEP with RSA_2048")
}
