package keys

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSignersLoad: every signing test key loads, and its public file holds
// its public half.
func TestSignersLoad(t *testing.T) {
	for _, name := range Signers {
		s := Signer(t, name)
		block, _ := pem.Decode(PublicPEM(t, name))
		require.NotNil(t, block, "%s: public file is not a PUBLIC KEY PEM", name)
		require.Equal(t, "PUBLIC KEY", block.Type, "%s: public file is not a PUBLIC KEY PEM", name)
		der, err := x509.MarshalPKIXPublicKey(s.Public())
		require.NoError(t, err)
		require.Equal(t, block.Bytes, der, "%s: public file does not match the private key", name)
	}
}

// TestWrappingKeys: every wrapping test key is an RSA public key of its size.
func TestWrappingKeys(t *testing.T) {
	for _, bits := range []int{2048, 3072, 4096} {
		k, err := x509.ParsePKIXPublicKey(WrappingDER(t, bits))
		require.NoError(t, err)
		r, ok := k.(*rsa.PublicKey)
		require.True(t, ok, "wrap-rsa%d: %T", bits, k)
		require.Equal(t, bits, r.N.BitLen(), "wrap-rsa%d: %T", bits, k)
	}
}

// TestMaterial: the same seed gives the same bytes, another seed others.
func TestMaterial(t *testing.T) {
	a, b := Material("one", 32), Material("two", 32)
	require.Len(t, a, 32, "Material: %x, %x", a, b)
	require.Equal(t, Material("one", 32), a, "Material: %x, %x", a, b)
	require.NotEqual(t, b, a, "Material: %x, %x", a, b)
	defer func() {
		require.NotNil(t, recover(), "Material(65) did not refuse")
	}()
	Material("one", 65)
}
