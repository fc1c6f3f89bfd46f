package verify

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
)

// CheckWrappingPublicKey parses a KMS wrapping public key (DER SPKI) and
// checks it is RSA with exactly the modulus size of wantSpec (RSA_2048,
// RSA_3072, RSA_4096) and public exponent 65537, as KMS issues them.
func CheckWrappingPublicKey(der []byte, wantSpec string) (*rsa.PublicKey, error) {
	bits, ok := WrappingKeySpecs[wantSpec]
	if !ok {
		return nil, fmt.Errorf("%w: unknown wrapping key spec %q (want RSA_2048, RSA_3072 or RSA_4096)", ErrWrappingKey, wantSpec)
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: not a DER SubjectPublicKeyInfo of a known key type", ErrWrappingKey) // the parser's words vary between Go versions
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: %T, want RSA", ErrWrappingKey, pub)
	}
	if got := k.N.BitLen(); got != bits {
		return nil, fmt.Errorf("%w: RSA %d bits, but the wrapping key spec says %s", ErrWrappingKey, got, wantSpec)
	}
	if k.N.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: even modulus", ErrWrappingKey)
	}
	if k.E != 65537 {
		return nil, fmt.Errorf("%w: public exponent %d, want 65537", ErrWrappingKey, k.E)
	}
	return k, nil
}

// wrappingSpecOf names the wrapping key spec of an RSA SPKI by its size.
func wrappingSpecOf(der []byte) (string, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return "", fmt.Errorf("%w: not a DER SubjectPublicKeyInfo of a known key type", ErrWrappingKey)
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return "", fmt.Errorf("%w: %T, want RSA", ErrWrappingKey, pub)
	}
	spec := fmt.Sprintf("RSA_%d", k.N.BitLen())
	if _, err := CheckWrappingPublicKey(der, spec); err != nil {
		return "", err
	}
	return spec, nil
}
