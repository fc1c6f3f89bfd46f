package verify

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"github.com/airwrap/airwrap/kmsrules"
)

var (
	oidRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECPublic = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
)

// checkSPKIForSpec checks that der is the public half of a key of rule's
// spec: RSA of that size, or EC on that curve (read from the OIDs, since Go's
// x509 does not know secp256k1).
func checkSPKIForSpec(der []byte, r kmsrules.KeySpec) error {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	rest, err := asn1.Unmarshal(der, &spki)
	if err != nil || len(rest) > 0 {
		return fmt.Errorf("%w: public key is not a DER SubjectPublicKeyInfo", ErrProof)
	}
	switch r.Kind() {
	case kmsrules.KindRSA:
		if !spki.Algorithm.Algorithm.Equal(oidRSA) {
			return fmt.Errorf("%w: public key is not RSA, key spec is %s", ErrProof, r)
		}
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return fmt.Errorf("%w: public key: %w", ErrProof, err)
		}
		if bits := pub.(*rsa.PublicKey).N.BitLen(); bits != r.RSABits() {
			return fmt.Errorf("%w: public key is RSA %d bits, key spec is %s", ErrProof, bits, r)
		}
	case kmsrules.KindEC:
		var curve asn1.ObjectIdentifier
		if !spki.Algorithm.Algorithm.Equal(oidECPublic) {
			return fmt.Errorf("%w: public key is not EC, key spec is %s", ErrProof, r)
		}
		if _, err := asn1.Unmarshal(spki.Algorithm.Parameters.FullBytes, &curve); err != nil || !curve.Equal(r.CurveOID()) {
			return fmt.Errorf("%w: public key is not on %s, key spec is %s", ErrProof, r.Curve(), r)
		}
	default:
		return fmt.Errorf("%w: %s keys have no public key", ErrProof, r)
	}
	return nil
}
