package kmsrules

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"slices"
)

// WrappingAlgorithm is a KMS wrapping algorithm for import.
type WrappingAlgorithm string

// Wrapping algorithms KMS accepts for import (RSAES_PKCS1_V1_5 is refused since 2023).
const (
	RSAESOAEPSHA1       WrappingAlgorithm = "RSAES_OAEP_SHA_1"
	RSAESOAEPSHA256     WrappingAlgorithm = "RSAES_OAEP_SHA_256"
	RSAAESKeyWrapSHA1   WrappingAlgorithm = "RSA_AES_KEY_WRAP_SHA_1"
	RSAAESKeyWrapSHA256 WrappingAlgorithm = "RSA_AES_KEY_WRAP_SHA_256"
)

// wrappingAlgorithms lists every algorithm airwrap knows, strongest first.
var wrappingAlgorithms = []WrappingAlgorithm{RSAESOAEPSHA256, RSAAESKeyWrapSHA256, RSAESOAEPSHA1, RSAAESKeyWrapSHA1}

// WrappingAlgorithms lists every algorithm airwrap knows, strongest first (a fresh copy).
func WrappingAlgorithms() []WrappingAlgorithm { return slices.Clone(wrappingAlgorithms) }

// ParseWrappingAlgorithm returns s as a WrappingAlgorithm, or
// ErrWrappingAlgorithm naming the known ones.
func ParseWrappingAlgorithm(s string) (WrappingAlgorithm, error) {
	if a := WrappingAlgorithm(s); a.Hash() != 0 {
		return a, nil
	}
	return "", fmt.Errorf("%w: %q (known: %v)", ErrWrappingAlgorithm, s, wrappingAlgorithms)
}

// Hash is the hash used for OAEP and MGF1 by the algorithm; 0 for an unknown one.
func (a WrappingAlgorithm) Hash() crypto.Hash {
	switch a {
	case RSAESOAEPSHA1, RSAAESKeyWrapSHA1:
		return crypto.SHA1
	case RSAESOAEPSHA256, RSAAESKeyWrapSHA256:
		return crypto.SHA256
	}
	return 0
}

// IsOAEP reports whether the algorithm is plain RSA-OAEP (else RSA-AES key wrap).
func (a WrappingAlgorithm) IsOAEP() bool { return a == RSAESOAEPSHA1 || a == RSAESOAEPSHA256 }

// WrappingKeySpec is the spec of a KMS wrapping key: RSA_2048, RSA_3072 or RSA_4096.
type WrappingKeySpec string

var wrappingKeyBits = map[WrappingKeySpec]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}

// ParseWrappingKeySpec returns s as a WrappingKeySpec, or ErrWrappingKey.
func ParseWrappingKeySpec(s string) (WrappingKeySpec, error) {
	if _, ok := wrappingKeyBits[WrappingKeySpec(s)]; !ok {
		return "", fmt.Errorf("%w: unknown wrapping key spec %q (want RSA_2048, RSA_3072 or RSA_4096)", ErrWrappingKey, s)
	}
	return WrappingKeySpec(s), nil
}

// Bits is the modulus size of the spec; 0 for an unknown one.
func (w WrappingKeySpec) Bits() int { return wrappingKeyBits[w] }

// Blob limits of ImportKeyMaterial: each of EncryptedKeyMaterial and
// ImportToken is 1 to 6144 bytes.
const (
	MinEncryptedBlobSize = 1
	MaxEncryptedBlobSize = 6144
)

// CheckBlobSize checks that b is a blob ImportKeyMaterial takes (1..6144 bytes).
func CheckBlobSize(b []byte) error {
	if len(b) < MinEncryptedBlobSize || len(b) > MaxEncryptedBlobSize {
		return fmt.Errorf("%w: %d bytes", ErrBlobSize, len(b))
	}
	return nil
}

// OAEPCapacity is the largest message RSA-OAEP with hash h carries under a
// modulus of modBytes bytes: k - 2*hLen - 2.
func OAEPCapacity(modBytes int, h crypto.Hash) int { return modBytes - 2*h.Size() - 2 }

// WrappedLen is the length of the encrypted key material for materialLen bytes
// of material under alg with a modulus of modBytes bytes.
func WrappedLen(alg WrappingAlgorithm, modBytes, materialLen int) int {
	if alg.IsOAEP() {
		return modBytes
	}
	return modBytes + (materialLen+7)/8*8 + 8
}

// CheckFit checks that alg is known and allowed for spec, that wk is a
// wrapping key spec, and that material of spec fits (RSA-OAEP capacity
// k - 2*hLen - 2; the encrypted blob at most MaxEncryptedBlobSize).
func CheckFit(spec KeySpec, alg WrappingAlgorithm, wk WrappingKeySpec) error {
	if _, err := ParseKeySpec(string(spec)); err != nil {
		return err
	}
	if _, err := ParseWrappingAlgorithm(string(alg)); err != nil {
		return err
	}
	if !spec.Allows(alg) {
		return fmt.Errorf("%w: %s for %s (allowed: %v)", ErrAlgorithmNotAllowed, alg, spec, rules[spec].algorithms)
	}
	if _, err := ParseWrappingKeySpec(string(wk)); err != nil {
		return err
	}
	return checkLen(spec, alg, wk, spec.MaxMaterialLen(), "up to ")
}

// CheckMaterialFits checks that materialLen bytes of spec material (as the
// HSM measured it) fit alg under a wrapping key of wk: the RSA-OAEP
// capacity and the largest blob KMS takes. A length of 0 or less (not
// known) is not checked.
func CheckMaterialFits(spec KeySpec, alg WrappingAlgorithm, wk WrappingKeySpec, materialLen int) error {
	if materialLen <= 0 {
		return nil
	}
	return checkLen(spec, alg, wk, materialLen, "")
}

func checkLen(spec KeySpec, alg WrappingAlgorithm, wk WrappingKeySpec, n int, upTo string) error {
	modBytes := wk.Bits() / 8
	if alg.IsOAEP() {
		if c := OAEPCapacity(modBytes, alg.Hash()); n > c {
			return fmt.Errorf("%w: %s material is %s%d bytes, %s with %s carries at most %d (use RSA_AES_KEY_WRAP_* or a larger wrapping key)",
				ErrMaterialTooLarge, spec, upTo, n, alg, wk, c)
		}
	}
	if l := WrappedLen(alg, modBytes, n); l > MaxEncryptedBlobSize {
		return fmt.Errorf("%w: wrapped %s would be %d bytes, KMS takes at most %d", ErrMaterialTooLarge, spec, l, MaxEncryptedBlobSize)
	}
	return nil
}

// ChooseAlgorithm returns alg if it fits, or, when alg is empty, the
// strongest algorithm the rules allow for spec that fits wk
// (ChooseTokenAlgorithm with nothing known about the token).
func ChooseAlgorithm(spec KeySpec, alg WrappingAlgorithm, wk WrappingKeySpec) (WrappingAlgorithm, error) {
	return ChooseTokenAlgorithm(spec, alg, wk, nil)
}

// CheckWrappedLen checks that n bytes of encrypted key material have the
// shape alg gives under a wrapping key of wk: OAEP gives exactly the modulus
// length; RSA-AES key wrap gives the modulus length plus an RFC 5649 output
// (a multiple of 8, at least 16, at most what the spec's longest material
// wraps to).
func CheckWrappedLen(spec KeySpec, alg WrappingAlgorithm, wk WrappingKeySpec, n int) error {
	modBytes := wk.Bits() / 8
	if alg.IsOAEP() {
		if n != modBytes {
			return fmt.Errorf("%w: %d bytes, %s with %s gives %d", ErrEncryptedLen, n, alg, wk, modBytes)
		}
		return nil
	}
	kwp := n - modBytes
	if kwp < 16 || kwp%8 != 0 || n > WrappedLen(alg, modBytes, spec.MaxMaterialLen()) {
		return fmt.Errorf("%w: %d bytes is not %d plus an AES key wrap of %s material", ErrEncryptedLen, n, modBytes, spec)
	}
	return nil
}

// CheckWrappingPublicKey parses a KMS wrapping public key (DER SPKI) and
// checks it is RSA with exactly the modulus size of want and public
// exponent 65537, as KMS issues them.
func CheckWrappingPublicKey(der []byte, want WrappingKeySpec) (*rsa.PublicKey, error) {
	if _, err := ParseWrappingKeySpec(string(want)); err != nil {
		return nil, err
	}
	k, err := parseRSA(der)
	if err != nil {
		return nil, err
	}
	if got := k.N.BitLen(); got != want.Bits() {
		return nil, fmt.Errorf("%w: RSA %d bits, but the wrapping key spec says %s", ErrWrappingKey, got, want)
	}
	if k.N.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: even modulus", ErrWrappingKey)
	}
	if k.E != 65537 {
		return nil, fmt.Errorf("%w: public exponent %d, want 65537", ErrWrappingKey, k.E)
	}
	return k, nil
}

// WrappingPublicKey checks a KMS wrapping public key whose spec is not
// given (AWS's PublicKey.bin, the AWS CLI JSON): its size names the spec.
func WrappingPublicKey(der []byte) (*rsa.PublicKey, WrappingKeySpec, error) {
	k, err := parseRSA(der)
	if err != nil {
		return nil, "", err
	}
	spec := WrappingKeySpec(fmt.Sprintf("RSA_%d", k.N.BitLen()))
	pub, err := CheckWrappingPublicKey(der, spec)
	if err != nil {
		return nil, "", err
	}
	return pub, spec, nil
}

func parseRSA(der []byte) (*rsa.PublicKey, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: not a DER SubjectPublicKeyInfo of a known key type", ErrWrappingKey) // the parser's words vary between Go versions
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: %T, want RSA", ErrWrappingKey, pub)
	}
	return k, nil
}
