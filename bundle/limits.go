package bundle

import "github.com/airwrap/airwrap/kmsrules"

// Per-field limits (SPEC.md, "Limits"). Sizes are decoded bytes for base64
// fields and bytes of UTF-8 for strings.
const (
	MaxEntries         = 1000 // entries in a parameters or import bundle
	MaxPublicKeySize   = 8192 // a DER SubjectPublicKeyInfo
	MaxImportTokenSize = 8192 // an opaque KMS import token
	MaxARNLen          = 2048
	MaxNameLen         = 128 // labels, operators, tool versions, enum-like strings
	MaxTokenFieldLen   = 64  // PKCS#11 token identity fields
	MaxOperators       = 16
	MaxDescriptionLen  = kmsrules.MaxDescriptionLen // KeyMaterialDescription
	MaxCKAIDHexLen     = 256                        // CKA_ID as hex
	MaxCheckValueHex   = 128
	MaxChallengeSize   = 64
	MaxMACSize         = 64
	MaxSignatures      = 16
	MaxSignatureSize   = 1024
	// MinEncryptedSize and MaxEncryptedSize bound EncryptedKeyMaterial (AWS: 1..6144).
	MinEncryptedSize = 1
	MaxEncryptedSize = 6144
)

// Nesting depth of each format: the deepest object/array nesting it needs.
const (
	depthParams   = 3 // {entries:[{...}]}
	depthAWSCLI   = 1
	depthEnvelope = 3 // {signatures:[{...}]}
	depthPayload  = 4 // {entries:[{hsm_key:{...}}]}
)
