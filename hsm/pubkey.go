package hsm

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"

	"github.com/miekg/pkcs11"
)

// describeRSA maps an RSA private key to a key spec and its public key.
// CKA_MODULUS and CKA_PUBLIC_EXPONENT are public attributes of the private
// object, so no public object is needed.
func (t *Token) describeRSA(h pkcs11.ObjectHandle, k *Key, a map[uint][]byte) error {
	if a[pkcs11.CKA_MODULUS] == nil || a[pkcs11.CKA_PUBLIC_EXPONENT] == nil {
		a = t.attrs(h, pkcs11.CKA_MODULUS, pkcs11.CKA_PUBLIC_EXPONENT)
	}
	n := new(big.Int).SetBytes(a[pkcs11.CKA_MODULUS])
	e := new(big.Int).SetBytes(a[pkcs11.CKA_PUBLIC_EXPONENT])
	switch n.BitLen() {
	case 2048, 3072, 4096:
		k.KeySpec = fmt.Sprintf("RSA_%d", n.BitLen())
	default:
		k.NotImportable = fmt.Sprintf("RSA-%d: KMS imports RSA keys of 2048, 3072 or 4096 bits", n.BitLen())
		return nil
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
		return fmt.Errorf("key %q: public exponent not usable", k.Label)
	}
	spki, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: n, E: int(e.Int64())})
	if err != nil {
		return fmt.Errorf("key %q: public key: %w", k.Label, err)
	}
	spkiCheckValue(k, spki)
	k.MaterialLen = rsaPKCS8Len(n.BitLen())
	return nil
}

// describeEC maps an EC private key to a key spec by its curve OID, and takes
// its public point from the public object with the same CKA_ID (a, when
// read already: CKA_EC_PARAMS, and pairedECPoint where the label search
// found that object).
func (t *Token) describeEC(h pkcs11.ObjectHandle, k *Key, a map[uint][]byte, checkValue bool) error {
	params, ok := a[pkcs11.CKA_EC_PARAMS]
	if !ok {
		params = t.attrs(h, pkcs11.CKA_EC_PARAMS)[pkcs11.CKA_EC_PARAMS]
	}
	c, ok := curveByParams(params)
	if !ok {
		k.NotImportable = "an EC curve KMS does not import (it imports P-256, P-384, P-521 and secp256k1)"
		return nil
	}
	k.KeySpec = ecSpec(c.name)
	k.Curve = c.name
	k.MaterialLen = ecPKCS8Len(c)
	if !checkValue {
		return nil
	}
	point, err := t.ecPointFrom(a[pairedECPoint], k.ID)
	if err != nil || point == nil {
		return err // no public object: no check value, the CLI says so
	}
	spki, err := ecSPKI(c, point)
	if err != nil {
		return fmt.Errorf("key %q: %w", k.Label, err)
	}
	spkiCheckValue(k, spki)
	return nil
}

func ecSpec(curve string) string {
	switch curve {
	case "P-256":
		return "ECC_NIST_P256"
	case "P-384":
		return "ECC_NIST_P384"
	case "P-521":
		return "ECC_NIST_P521"
	case "secp256k1":
		return "ECC_SECG_P256K1"
	}
	return ""
}

// ecPoint returns the uncompressed point of the EC public object with this
// CKA_ID, or nil if there is none.
func (t *Token) ecPoint(id []byte) ([]byte, error) {
	if len(id) == 0 {
		return nil, nil
	}
	hs, err := t.find([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),
		pkcs11.NewAttribute(pkcs11.CKA_ID, id),
	})
	if err != nil || len(hs) == 0 {
		return nil, err
	}
	return t.ecPointFrom(t.attrs(hs[0], pkcs11.CKA_EC_POINT)[pkcs11.CKA_EC_POINT], nil)
}

// ecPointFrom is the uncompressed point in a CKA_EC_POINT value raw, or,
// when raw is nil, ecPoint(id).
func (t *Token) ecPointFrom(raw, id []byte) ([]byte, error) {
	if raw == nil {
		return t.ecPoint(id)
	}
	// PKCS#11 says DER OCTET STRING; some tokens give the raw point.
	var inner []byte
	if rest, err := asn1.Unmarshal(raw, &inner); err == nil && len(rest) == 0 && len(inner) > 0 && inner[0] == 4 {
		return inner, nil
	}
	return raw, nil
}

// ecSPKI builds the DER SubjectPublicKeyInfo of an uncompressed EC point.
func ecSPKI(c curve, point []byte) ([]byte, error) {
	if len(point) != 1+2*c.size || point[0] != 4 {
		return nil, fmt.Errorf("EC point of %d bytes is not an uncompressed %s point", len(point), c.name)
	}
	type algID struct {
		Algorithm asn1.ObjectIdentifier
		Curve     asn1.ObjectIdentifier
	}
	type spki struct {
		Algorithm algID
		PublicKey asn1.BitString
	}
	return asn1.Marshal(spki{algID{oidECPublicKey, c.oid}, asn1.BitString{Bytes: point, BitLength: 8 * len(point)}})
}

// derLen is the length of a DER TLV with n content bytes.
func derLen(n int) int {
	switch {
	case n < 0x80:
		return 2 + n
	case n < 0x100:
		return 3 + n
	case n < 0x10000:
		return 4 + n
	}
	return 5 + n
}

// rsaPKCS8Len is an upper estimate of the PKCS#8 DER of an RSA private key
// (every integer with a leading zero byte); the real one is a few bytes less.
func rsaPKCS8Len(bits int) int {
	k := (bits + 7) / 8
	body := derLen(1) + 2*derLen(k+1) + derLen(3) + 5*derLen(k/2+1)
	return derLen(derLen(1) + 15 + derLen(derLen(body)))
}

// ecPKCS8Len is the PKCS#8 DER of an EC private key with the curve and the
// public key included (RFC 5915), as most tokens and AWS size it; SoftHSM
// leaves both out (67 bytes for P-256).
func ecPKCS8Len(c curve) int {
	ecpk := derLen(derLen(1) + derLen(c.size) + derLen(len(c.params)) + derLen(derLen(2+2*c.size)))
	alg := derLen(9 + len(c.params))
	return derLen(derLen(1) + alg + derLen(ecpk))
}
