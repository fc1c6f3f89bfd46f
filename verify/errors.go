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

// Sentinels added with the checks (errors.Is).
var (
	ErrARN          = errors.New("not a KMS key ARN")
	ErrInconsistent = errors.New("fields disagree")
	ErrDuplicateKey = errors.New("the same KMS key appears twice")
	ErrKeyUsage     = errors.New("key usage not possible for this key spec")
	ErrEncryptedLen = errors.New("encrypted key material has the wrong length")
	ErrProof        = errors.New("proof of the imported key is missing or wrong")
	ErrTrustKey     = errors.New("trusted key is not acceptable")
	ErrBlobSize     = errors.New("KMS takes 1 to 6144 bytes here")
)
