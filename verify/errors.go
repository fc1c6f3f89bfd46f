package verify

import "errors"

// Sentinel errors, checked with errors.Is. Messages say what is wrong; callers
// add what to do next.
var (
	ErrKeySpec             = errors.New("key spec is not importable")
	ErrWrappingAlgorithm   = errors.New("unknown wrapping algorithm")
	ErrAlgorithmNotAllowed = errors.New("wrapping algorithm not allowed for this key spec")
	ErrWrappingKey         = errors.New("wrapping public key is not acceptable")
	ErrMaterialTooLarge    = errors.New("key material does not fit the wrapping key")
	ErrParamsExpired       = errors.New("import parameters have expired")
	ErrValidTo             = errors.New("ValidTo is not acceptable")
	ErrUntrusted           = errors.New("signature threshold not met by trusted keys")
	ErrBinding             = errors.New("bundle binding does not hold")
)
