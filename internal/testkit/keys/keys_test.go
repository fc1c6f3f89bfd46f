package keys

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"
)

// TestSignersLoad: every signing test key loads, and its public file holds
// its public half.
func TestSignersLoad(t *testing.T) {
	for _, name := range Signers {
		s := Signer(t, name)
		block, _ := pem.Decode(PublicPEM(t, name))
		if block == nil || block.Type != "PUBLIC KEY" {
			t.Fatalf("%s: public file is not a PUBLIC KEY PEM", name)
		}
		der, err := x509.MarshalPKIXPublicKey(s.Public())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(der, block.Bytes) {
			t.Fatalf("%s: public file does not match the private key", name)
		}
	}
}

// TestWrappingKeys: every wrapping test key is an RSA public key of its size.
func TestWrappingKeys(t *testing.T) {
	for _, bits := range []int{2048, 3072, 4096} {
		k, err := x509.ParsePKIXPublicKey(WrappingDER(t, bits))
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := k.(*rsa.PublicKey); !ok || r.N.BitLen() != bits {
			t.Fatalf("wrap-rsa%d: %T", bits, k)
		}
	}
}

// TestMaterial: the same seed gives the same bytes, another seed others.
func TestMaterial(t *testing.T) {
	a, b := Material("one", 32), Material("two", 32)
	if len(a) != 32 || !bytes.Equal(a, Material("one", 32)) || bytes.Equal(a, b) {
		t.Fatalf("Material: %x, %x", a, b)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Material(65) did not refuse")
		}
	}()
	Material("one", 65)
}
