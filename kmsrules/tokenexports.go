package kmsrules

import (
	"errors"
	"fmt"
	"slices"
)

// ErrTokenCannotExport means the token's measured capabilities say it cannot
// export keys of a key spec with the wrapping algorithm (or with any
// algorithm KMS allows for the spec).
var ErrTokenCannotExport = errors.New("the token cannot export this key spec")

// TokenExport is what a token exports keys of one spec with: the wrapping
// algorithms that passed its self-test for such keys, and why the others did
// not (the token's own words).
type TokenExport struct {
	Algorithms []WrappingAlgorithm
	Why        string
}

// TokenExports is a token's measured capabilities (a verified capabilities
// file), by key spec. A spec missing from a non-nil map is one the token
// cannot export; a nil map means nothing is known about the token.
type TokenExports map[KeySpec]TokenExport

// ChooseTokenAlgorithm is ChooseAlgorithm for a token whose capabilities are
// known: alg if it fits and the token produces it for spec, or, when alg is
// empty, the strongest algorithm the rules allow for spec that fits wk and
// that the token really produces. With token nil it is ChooseAlgorithm.
func ChooseTokenAlgorithm(spec KeySpec, alg WrappingAlgorithm, wk WrappingKeySpec, token TokenExports) (WrappingAlgorithm, error) {
	if _, err := ParseKeySpec(string(spec)); err != nil {
		return "", err
	}
	produced := func(a WrappingAlgorithm) bool { return token == nil || slices.Contains(token[spec].Algorithms, a) }
	cannot := func(what string) error {
		why := token[spec].Why
		if why == "" {
			why = "the capabilities list no algorithm for it"
		}
		return fmt.Errorf("%w: %s keys with %s (token: %s)", ErrTokenCannotExport, spec, what, why)
	}
	if alg != "" {
		if err := CheckFit(spec, alg, wk); err != nil {
			return alg, err
		}
		if !produced(alg) {
			if len(token[spec].Algorithms) > 0 {
				return alg, fmt.Errorf("%w: %s keys with %s (it exports them with %v)", ErrTokenCannotExport, spec, alg, token[spec].Algorithms)
			}
			return alg, cannot(string(alg))
		}
		return alg, nil
	}
	var errs []error
	for _, a := range rules[spec].algorithms {
		if !produced(a) {
			continue
		}
		err := CheckFit(spec, a, wk)
		if err == nil {
			return a, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return "", cannot("any wrapping algorithm KMS allows")
	}
	return "", errors.Join(errs...)
}
