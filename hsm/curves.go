package hsm

import (
	"bytes"
	"encoding/asn1"
)

// curve ties a KMS key spec's curve to its PKCS#11 CKA_EC_PARAMS.
type curve struct {
	name   string                // Go/OpenSSL name
	oid    asn1.ObjectIdentifier // namedCurve
	params []byte                // DER of the OID: CKA_EC_PARAMS
	size   int                   // bytes of a scalar / coordinate
}

func mkCurve(name string, size int, oid ...int) curve {
	der, err := asn1.Marshal(asn1.ObjectIdentifier(oid))
	if err != nil {
		panic(err)
	}
	return curve{name: name, oid: oid, params: der, size: size}
}

var curves = []curve{
	mkCurve("P-256", 32, 1, 2, 840, 10045, 3, 1, 7),
	mkCurve("P-384", 48, 1, 3, 132, 0, 34),
	mkCurve("P-521", 66, 1, 3, 132, 0, 35),
	mkCurve("secp256k1", 32, 1, 3, 132, 0, 10),
}

// oidECPublicKey is id-ecPublicKey, the SPKI algorithm of EC keys.
var oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}

func curveByName(name string) (curve, bool) {
	for _, c := range curves {
		if c.name == name {
			return c, true
		}
	}
	return curve{}, false
}

func curveByOID(oid asn1.ObjectIdentifier) (curve, bool) {
	for _, c := range curves {
		if c.oid.Equal(oid) {
			return c, true
		}
	}
	return curve{}, false
}

func curveByParams(p []byte) (curve, bool) {
	for _, c := range curves {
		if bytes.Equal(c.params, p) {
			return c, true
		}
	}
	return curve{}, false
}
