package verify

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
)

var (
	oidRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECPublic = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	curveOIDs   = map[string]asn1.ObjectIdentifier{
		"P-256":     {1, 2, 840, 10045, 3, 1, 7},
		"P-384":     {1, 3, 132, 0, 34},
		"P-521":     {1, 3, 132, 0, 35},
		"secp256k1": {1, 3, 132, 0, 10},
	}
)

// checkSPKIForSpec checks that der is the public half of a key of rule's
// spec: RSA of that size, or EC on that curve (read from the OIDs, since Go's
// x509 does not know secp256k1).
func checkSPKIForSpec(der []byte, r KeySpecRule) error {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	rest, err := asn1.Unmarshal(der, &spki)
	if err != nil || len(rest) > 0 {
		return fmt.Errorf("%w: public key is not a DER SubjectPublicKeyInfo", ErrProof)
	}
	switch r.Kind {
	case KindRSA:
		if !spki.Algorithm.Algorithm.Equal(oidRSA) {
			return fmt.Errorf("%w: public key is not RSA, key spec is %s", ErrProof, r.Spec)
		}
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return fmt.Errorf("%w: public key: %w", ErrProof, err)
		}
		if bits := pub.(*rsa.PublicKey).N.BitLen(); bits != r.RSABits {
			return fmt.Errorf("%w: public key is RSA %d bits, key spec is %s", ErrProof, bits, r.Spec)
		}
	case KindEC:
		var curve asn1.ObjectIdentifier
		if !spki.Algorithm.Algorithm.Equal(oidECPublic) {
			return fmt.Errorf("%w: public key is not EC, key spec is %s", ErrProof, r.Spec)
		}
		if _, err := asn1.Unmarshal(spki.Algorithm.Parameters.FullBytes, &curve); err != nil || !curve.Equal(curveOIDs[r.Curve]) {
			return fmt.Errorf("%w: public key is not on %s, key spec is %s", ErrProof, r.Curve, r.Spec)
		}
	default:
		return fmt.Errorf("%w: %s keys have no public key", ErrProof, r.Spec)
	}
	return nil
}
