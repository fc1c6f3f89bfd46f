// Package verify owns trust and the KMS rules: which wrapping algorithm fits
// which key spec, how much material each carries, signature verification
// against pinned keys, and the bindings between a parameters bundle and an
// import bundle. It must not import hsm/ (the online binary is cgo-free).
package verify

import (
	"crypto"
	"fmt"
	"slices"
)

// Wrapping algorithms KMS accepts for import (RSAES_PKCS1_V1_5 is refused since 2023).
const (
	RSAESOAEPSHA1        = "RSAES_OAEP_SHA_1"
	RSAESOAEPSHA256      = "RSAES_OAEP_SHA_256"
	RSAAESKeyWrapSHA1    = "RSA_AES_KEY_WRAP_SHA_1"
	RSAAESKeyWrapSHA256  = "RSA_AES_KEY_WRAP_SHA_256"
	ExpiresModel         = "KEY_MATERIAL_EXPIRES"
	DoesNotExpireModel   = "KEY_MATERIAL_DOES_NOT_EXPIRE"
	MaxValidToDays       = 365
	MinEncryptedBlobSize = 1
	MaxEncryptedBlobSize = 6144
)

// WrappingAlgorithms lists every algorithm airwrap knows, strongest first.
var WrappingAlgorithms = []string{RSAESOAEPSHA256, RSAAESKeyWrapSHA256, RSAESOAEPSHA1, RSAAESKeyWrapSHA1}

// WrappingKeySpecs maps a KMS wrapping key spec to its modulus size in bits.
var WrappingKeySpecs = map[string]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}

// KeySpecRule describes one importable KMS key spec.
type KeySpecRule struct {
	Spec       string
	Kind       KeyKind
	RawLen     int      // exact material length for symmetric and HMAC keys; 0 for asymmetric
	Algorithms []string // allowed wrapping algorithms, strongest first
	MACAlg     string   // HMAC keys: the KMS MacAlgorithm
	Curve      string   // EC keys: Go/OpenSSL curve name
	RSABits    int      // RSA keys: modulus size
}

// KeyKind is the family of a key spec.
type KeyKind int

const (
	KindSymmetric KeyKind = iota + 1
	KindHMAC
	KindRSA
	KindEC
)

func (k KeyKind) String() string {
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

var (
	oaepOnly = []string{RSAESOAEPSHA256, RSAESOAEPSHA1}
	kwOnly   = []string{RSAAESKeyWrapSHA256, RSAAESKeyWrapSHA1}
	either   = []string{RSAAESKeyWrapSHA256, RSAESOAEPSHA256, RSAAESKeyWrapSHA1, RSAESOAEPSHA1}
)

// Rules is the table in docs/KMS-FACTS.md ("Which wrapping algorithm for which key").
var Rules = map[string]KeySpecRule{
	"SYMMETRIC_DEFAULT": {Spec: "SYMMETRIC_DEFAULT", Kind: KindSymmetric, RawLen: 32, Algorithms: oaepOnly},
	"HMAC_224":          {Spec: "HMAC_224", Kind: KindHMAC, RawLen: 28, Algorithms: oaepOnly, MACAlg: "HMAC_SHA_224"},
	"HMAC_256":          {Spec: "HMAC_256", Kind: KindHMAC, RawLen: 32, Algorithms: oaepOnly, MACAlg: "HMAC_SHA_256"},
	"HMAC_384":          {Spec: "HMAC_384", Kind: KindHMAC, RawLen: 48, Algorithms: oaepOnly, MACAlg: "HMAC_SHA_384"},
	"HMAC_512":          {Spec: "HMAC_512", Kind: KindHMAC, RawLen: 64, Algorithms: oaepOnly, MACAlg: "HMAC_SHA_512"},
	"RSA_2048":          {Spec: "RSA_2048", Kind: KindRSA, Algorithms: kwOnly, RSABits: 2048},
	"RSA_3072":          {Spec: "RSA_3072", Kind: KindRSA, Algorithms: kwOnly, RSABits: 3072},
	"RSA_4096":          {Spec: "RSA_4096", Kind: KindRSA, Algorithms: kwOnly, RSABits: 4096},
	"ECC_NIST_P256":     {Spec: "ECC_NIST_P256", Kind: KindEC, Algorithms: either, Curve: "P-256"},
	"ECC_NIST_P384":     {Spec: "ECC_NIST_P384", Kind: KindEC, Algorithms: either, Curve: "P-384"},
	"ECC_NIST_P521":     {Spec: "ECC_NIST_P521", Kind: KindEC, Algorithms: either, Curve: "P-521"},
	"ECC_SECG_P256K1":   {Spec: "ECC_SECG_P256K1", Kind: KindEC, Algorithms: either, Curve: "secp256k1"},
}

// KeySpecs lists the importable key specs in a stable order.
var KeySpecs = []string{
	"SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512",
	"RSA_2048", "RSA_3072", "RSA_4096",
	"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
}

// Rule returns the rule for a key spec, or an error naming the importable ones.
func Rule(spec string) (KeySpecRule, error) {
	r, ok := Rules[spec]
	if !ok {
		return KeySpecRule{}, fmt.Errorf("%w: %q (importable: %v)", ErrKeySpec, spec, KeySpecs)
	}
	return r, nil
}

// AlgorithmAllowed reports whether KMS accepts alg for spec.
func AlgorithmAllowed(spec, alg string) bool {
	r, ok := Rules[spec]
	return ok && slices.Contains(r.Algorithms, alg)
}

// IsOAEP reports whether alg is a plain RSA-OAEP algorithm (else RSA-AES key wrap).
func IsOAEP(alg string) bool { return alg == RSAESOAEPSHA1 || alg == RSAESOAEPSHA256 }

// AlgorithmHash is the hash used for OAEP and MGF1 by a wrapping algorithm.
func AlgorithmHash(alg string) (crypto.Hash, error) {
	switch alg {
	case RSAESOAEPSHA1, RSAAESKeyWrapSHA1:
		return crypto.SHA1, nil
	case RSAESOAEPSHA256, RSAAESKeyWrapSHA256:
		return crypto.SHA256, nil
	}
	return 0, fmt.Errorf("%w: %q (known: %v)", ErrWrappingAlgorithm, alg, WrappingAlgorithms)
}

// OAEPCapacity is the largest message RSA-OAEP with hash h carries under a
// modulus of modBytes bytes: k - 2*hLen - 2.
func OAEPCapacity(modBytes int, h crypto.Hash) int { return modBytes - 2*h.Size() - 2 }

// WrappedLen is the length of the encrypted key material for materialLen bytes
// of material under alg with a modulus of modBytes bytes.
func WrappedLen(alg string, modBytes, materialLen int) int {
	if IsOAEP(alg) {
		return modBytes
	}
	return modBytes + (materialLen+7)/8*8 + 8
}
