package kmsrules

import (
	"crypto"
	"encoding/asn1"
	"fmt"
	"slices"
)

// KeySpec is a KMS key spec that can be imported, e.g. SYMMETRIC_DEFAULT,
// HMAC_256, RSA_3072, ECC_NIST_P384.
type KeySpec string

// Kind is the family of a key spec.
type Kind int

// The key spec families; the zero Kind is an unknown spec.
const (
	KindSymmetric Kind = iota + 1
	KindHMAC
	KindRSA
	KindEC
)

func (k Kind) String() string {
	switch k {
	case KindSymmetric:
		return "symmetric"
	case KindHMAC:
		return "hmac"
	case KindRSA:
		return "rsa"
	case KindEC:
		return "ec"
	}
	return "unknown"
}

// SymmetricDefault is the one symmetric key spec KMS imports (AES-256).
const SymmetricDefault KeySpec = "SYMMETRIC_DEFAULT"

// rule describes one importable key spec ("Which wrapping algorithm for
// which key" in docs/KMS-FACTS.md).
type rule struct {
	kind       Kind
	rawLen     int                 // exact material length of symmetric and HMAC keys; 0 for asymmetric
	maxPKCS8   int                 // asymmetric keys: the longest PKCS#8 DER private key
	algorithms []WrappingAlgorithm // allowed wrapping algorithms, strongest first
	macAlg     string              // HMAC keys: the KMS MacAlgorithm
	macHash    crypto.Hash         // HMAC keys: its hash
	curve      string              // EC keys: Go/OpenSSL curve name
	curveOID   asn1.ObjectIdentifier
	rsaBits    int // RSA keys: modulus size
}

var (
	oaepOnly = []WrappingAlgorithm{RSAESOAEPSHA256, RSAESOAEPSHA1}
	kwOnly   = []WrappingAlgorithm{RSAAESKeyWrapSHA256, RSAAESKeyWrapSHA1}
	either   = []WrappingAlgorithm{RSAAESKeyWrapSHA256, RSAESOAEPSHA256, RSAAESKeyWrapSHA1, RSAESOAEPSHA1}
)

// keySpecs lists the importable key specs in a stable order.
var keySpecs = []KeySpec{
	SymmetricDefault, "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512",
	"RSA_2048", "RSA_3072", "RSA_4096",
	"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
}

// rules is the table. maxPKCS8 is the longest PKCS#8 DER private key of each
// asymmetric spec, as OpenSSL and Go write it (with curve parameters and
// public key; SoftHSM's EC encoding is shorter): it decides whether material
// can fit under OAEP. RSA: observed 1218, 1794, 2375, plus margin.
var rules = map[KeySpec]rule{
	SymmetricDefault:  {kind: KindSymmetric, rawLen: 32, algorithms: oaepOnly},
	"HMAC_224":        {kind: KindHMAC, rawLen: 28, algorithms: oaepOnly, macAlg: "HMAC_SHA_224", macHash: crypto.SHA224},
	"HMAC_256":        {kind: KindHMAC, rawLen: 32, algorithms: oaepOnly, macAlg: "HMAC_SHA_256", macHash: crypto.SHA256},
	"HMAC_384":        {kind: KindHMAC, rawLen: 48, algorithms: oaepOnly, macAlg: "HMAC_SHA_384", macHash: crypto.SHA384},
	"HMAC_512":        {kind: KindHMAC, rawLen: 64, algorithms: oaepOnly, macAlg: "HMAC_SHA_512", macHash: crypto.SHA512},
	"RSA_2048":        {kind: KindRSA, maxPKCS8: 1232, algorithms: kwOnly, rsaBits: 2048},
	"RSA_3072":        {kind: KindRSA, maxPKCS8: 1808, algorithms: kwOnly, rsaBits: 3072},
	"RSA_4096":        {kind: KindRSA, maxPKCS8: 2392, algorithms: kwOnly, rsaBits: 4096},
	"ECC_NIST_P256":   {kind: KindEC, maxPKCS8: 138, algorithms: either, curve: "P-256", curveOID: asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}},
	"ECC_NIST_P384":   {kind: KindEC, maxPKCS8: 185, algorithms: either, curve: "P-384", curveOID: asn1.ObjectIdentifier{1, 3, 132, 0, 34}},
	"ECC_NIST_P521":   {kind: KindEC, maxPKCS8: 241, algorithms: either, curve: "P-521", curveOID: asn1.ObjectIdentifier{1, 3, 132, 0, 35}},
	"ECC_SECG_P256K1": {kind: KindEC, maxPKCS8: 135, algorithms: either, curve: "secp256k1", curveOID: asn1.ObjectIdentifier{1, 3, 132, 0, 10}},
}

// KeySpecs lists the importable key specs in a stable order (a fresh copy).
func KeySpecs() []KeySpec { return slices.Clone(keySpecs) }

// ParseKeySpec returns s as a KeySpec, or ErrKeySpec naming the importable ones.
func ParseKeySpec(s string) (KeySpec, error) {
	if _, ok := rules[KeySpec(s)]; !ok {
		return "", fmt.Errorf("%w: %q (importable: %v)", ErrKeySpec, s, keySpecs)
	}
	return KeySpec(s), nil
}

// Kind is the spec's family; 0 for a spec that is not importable.
func (s KeySpec) Kind() Kind { return rules[s].kind }

// RawLen is the exact material length of a symmetric or HMAC key; 0 otherwise.
func (s KeySpec) RawLen() int { return rules[s].rawLen }

// MaxMaterialLen is the longest key material of the spec: the raw length
// for symmetric and HMAC keys, the PKCS#8 DER upper bound otherwise.
func (s KeySpec) MaxMaterialLen() int {
	if r := rules[s]; r.rawLen > 0 {
		return r.rawLen
	}
	return rules[s].maxPKCS8
}

// Algorithms are the wrapping algorithms KMS allows for the spec, strongest
// first (a fresh copy).
func (s KeySpec) Algorithms() []WrappingAlgorithm { return slices.Clone(rules[s].algorithms) }

// Allows reports whether KMS accepts alg for the spec.
func (s KeySpec) Allows(alg WrappingAlgorithm) bool { return slices.Contains(rules[s].algorithms, alg) }

// MACAlgorithm is an HMAC spec's KMS MacAlgorithm (HMAC_SHA_256, ...); "" otherwise.
func (s KeySpec) MACAlgorithm() string { return rules[s].macAlg }

// MACHash is the hash of an HMAC spec's MacAlgorithm; 0 otherwise.
func (s KeySpec) MACHash() crypto.Hash { return rules[s].macHash }

// Curve is an EC spec's curve by its Go/OpenSSL name (P-256, secp256k1); "" otherwise.
func (s KeySpec) Curve() string { return rules[s].curve }

// CurveOID is an EC spec's namedCurve OID; nil otherwise.
func (s KeySpec) CurveOID() asn1.ObjectIdentifier { return slices.Clone(rules[s].curveOID) }

// RSABits is an RSA spec's modulus size; 0 otherwise.
func (s KeySpec) RSABits() int { return rules[s].rsaBits }

// KeyUsages lists the KMS KeyUsage values a key of the spec can have.
func (s KeySpec) KeyUsages() []string {
	switch s.Kind() {
	case KindSymmetric:
		return []string{"ENCRYPT_DECRYPT"}
	case KindHMAC:
		return []string{"GENERATE_VERIFY_MAC"}
	case KindRSA:
		return []string{"ENCRYPT_DECRYPT", "SIGN_VERIFY"}
	case KindEC:
		if s == "ECC_SECG_P256K1" {
			return []string{"SIGN_VERIFY"}
		}
		return []string{"SIGN_VERIFY", "KEY_AGREEMENT"}
	}
	return nil
}

// CheckKeyUsage checks that a key of the spec can have usage.
func (s KeySpec) CheckKeyUsage(usage string) error {
	if u := s.KeyUsages(); !slices.Contains(u, usage) {
		return fmt.Errorf("%w: %q for %s (possible: %v)", ErrKeyUsage, usage, s, u)
	}
	return nil
}
