package kmsimport

import (
	"errors"

	"github.com/airwrap/airwrap/verify"
)

// CheckFit reports whether material of key spec spec can be wrapped with alg
// under a wrapping key of wrappingKeySpec, as KMS requires.
func CheckFit(spec, alg, wrappingKeySpec string) error {
	return verify.CheckFits(spec, alg, wrappingKeySpec)
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
