package kmsrules

import "errors"

// Sentinel errors, checked with errors.Is. Messages say what is wrong;
// callers add what to do next.
var (
	ErrKeySpec             = errors.New("key spec is not importable")
	ErrWrappingAlgorithm   = errors.New("unknown wrapping algorithm")
	ErrAlgorithmNotAllowed = errors.New("wrapping algorithm not allowed for this key spec")
	ErrWrappingKey         = errors.New("wrapping public key is not acceptable")
	ErrMaterialTooLarge    = errors.New("key material does not fit the wrapping key")
	ErrEncryptedLen        = errors.New("encrypted key material has the wrong length")
	ErrBlobSize            = errors.New("KMS takes 1 to 6144 bytes here")
	ErrKeyUsage            = errors.New("key usage not possible for this key spec")
	ErrValidTo             = errors.New("ValidTo is not acceptable")
	ErrARN                 = errors.New("not a KMS key ARN")
	ErrRegion              = errors.New("not an AWS Region name")
)
