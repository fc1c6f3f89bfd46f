package kmsimport

import (
	"errors"
	"fmt"

	"github.com/airwrap/airwrap/verify"
)

// maxMaterialLen is the largest material KMS takes for a key spec: the raw
// length for symmetric and HMAC keys, the PKCS#8 DER size (public key
// included) for asymmetric ones.
func maxMaterialLen(r verify.KeySpecRule) int {
	switch r.Kind {
	case verify.KindSymmetric, verify.KindHMAC:
		return r.RawLen
	case verify.KindEC:
		switch r.Curve {
		case "P-256", "secp256k1":
			return 138
		case "P-384":
			return 185
		case "P-521":
			return 241
		}
	case verify.KindRSA:
		// PKCS#8 of an RSA key is about 0.58 byte per modulus bit.
		return r.RSABits*595/1000 + 16
	}
	return verify.MaxEncryptedBlobSize
}

// CheckFit reports whether material of key spec spec can be wrapped with alg
// under a wrapping key of wrappingKeySpec, as KMS requires.
func CheckFit(spec, alg, wrappingKeySpec string) error {
	r, err := verify.Rule(spec)
	if err != nil {
		return err
	}
	bits, ok := verify.WrappingKeySpecs[wrappingKeySpec]
	if !ok {
		return fmt.Errorf("%w: wrapping key spec %q (known: RSA_2048, RSA_3072, RSA_4096)", ErrUsage, wrappingKeySpec)
	}
	h, err := verify.AlgorithmHash(alg)
	if err != nil {
		return err
	}
	if !verify.AlgorithmAllowed(spec, alg) {
		return fmt.Errorf("%w: %s with %s (allowed: %v)", verify.ErrAlgorithmNotAllowed, alg, spec, r.Algorithms)
	}
	n := maxMaterialLen(r)
	if verify.IsOAEP(alg) {
		if c := verify.OAEPCapacity(bits/8, h); n > c {
			return fmt.Errorf("%w: %s material is up to %d bytes, %s under %s carries at most %d", ErrMaterialTooBig, spec, n, alg, wrappingKeySpec, c)
		}
	}
	if w := verify.WrappedLen(alg, bits/8, n); w > verify.MaxEncryptedBlobSize {
		return fmt.Errorf("%w: %s wrapped with %s under %s is %d bytes, KMS takes at most %d", ErrMaterialTooBig, spec, alg, wrappingKeySpec, w, verify.MaxEncryptedBlobSize)
	}
	return nil
}

// ChooseAlgorithm returns alg if it fits, or, when alg is empty, the
// strongest algorithm the rules allow for spec that fits wrappingKeySpec.
func ChooseAlgorithm(spec, alg, wrappingKeySpec string) (string, error) {
	if alg != "" {
		return alg, CheckFit(spec, alg, wrappingKeySpec)
	}
	r, err := verify.Rule(spec)
	if err != nil {
		return "", err
	}
	var errs []error
	for _, a := range r.Algorithms {
		err := CheckFit(spec, a, wrappingKeySpec)
		if err == nil {
			return a, nil
		}
		errs = append(errs, err)
	}
	return "", errors.Join(errs...)
}
