package verify

import "errors"

// Sentinel errors, checked with errors.Is. Messages say what is wrong; callers
// add what to do next.
var (
	ErrParamsExpired = errors.New("import parameters have expired")
	ErrUntrusted     = errors.New("signature threshold not met by trusted keys")
	ErrBinding       = errors.New("bundle binding does not hold")
)

// Sentinels added with the checks (errors.Is).
var (
	ErrInconsistent = errors.New("fields disagree")
	ErrDuplicateKey = errors.New("the same KMS key appears twice")
	ErrProof        = errors.New("proof of the imported key is missing or wrong")
	ErrTrustKey     = errors.New("trusted key is not acceptable")
)
