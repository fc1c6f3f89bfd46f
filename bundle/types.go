// Package bundle owns the file formats that cross the air gap: the parameters
// bundle written by airwrap-online, the AWS CLI JSON of get-parameters-for-import,
// and the import bundle (a DSSE envelope) written by airwrap. SPEC.md is the
// normative description; this package parses strictly and marshals canonically.
package bundle

import "time"

// Format identifiers. They appear in the files and in SPEC.md.
const (
	ParamsType        = "airwrap/parameters/v1"
	ImportPayloadType = "application/vnd.airwrap.import.v1+json"
	ImportType        = "airwrap/import/v1"
	// ParamsFormatAWSCLI is what ImportPayload.ParamsFormat says when the
	// parameters came from `aws kms get-parameters-for-import` JSON.
	ParamsFormatAWSCLI = "aws-cli/get-parameters-for-import"
	// ParamsPayloadType is the DSSE payloadType of signed parameters: the
	// payload is a parameters bundle file, byte for byte (SPEC.md 2.1).
	ParamsPayloadType = "application/vnd.airwrap.params.v1+json"
	// ParamsFormatSigned is what ImportPayload.ParamsFormat says when the
	// parameters came as signed parameters.
	ParamsFormatSigned = "airwrap/signed-parameters/v1"
)

// MaxFileSize bounds every read of a bundle file (bounded reads: hostile media).
const MaxFileSize = 64 << 20

// Params is the parameters bundle: what the online half fetched from KMS.
type Params struct {
	Type        string        `json:"type"` // ParamsType
	CreatedAt   time.Time     `json:"created_at"`
	ToolVersion string        `json:"tool_version"`
	Entries     []ParamsEntry `json:"entries"`
}

// ParamsEntry is one KMS key's import parameters.
type ParamsEntry struct {
	KeyARN            string    `json:"key_arn"`
	Account           string    `json:"account"`
	Region            string    `json:"region"`
	KeySpec           string    `json:"key_spec"`                    // e.g. SYMMETRIC_DEFAULT
	KeyUsage          string    `json:"key_usage"`                   // e.g. ENCRYPT_DECRYPT
	MultiRegion       bool      `json:"multi_region"`                //
	MultiRegionRole   string    `json:"multi_region_role,omitempty"` // PRIMARY | REPLICA when MultiRegion
	WrappingAlgorithm string    `json:"wrapping_algorithm"`          // e.g. RSAES_OAEP_SHA_256
	WrappingKeySpec   string    `json:"wrapping_key_spec"`           // RSA_2048 | RSA_3072 | RSA_4096
	PublicKey         []byte    `json:"public_key"`                  // DER SubjectPublicKeyInfo, standard base64 in JSON
	ImportToken       []byte    `json:"import_token"`                // opaque, standard base64 in JSON
	ParametersValidTo time.Time `json:"parameters_valid_to"`         // RFC 3339
}

// AWSCLIParams is the JSON that `aws kms get-parameters-for-import` prints.
// It carries no key spec and no wrapping algorithm: the operator supplies them.
type AWSCLIParams struct {
	KeyID             string    // KeyId: the key ARN
	ImportToken       []byte    // ImportToken, base64
	PublicKey         []byte    // PublicKey, base64 DER SPKI
	ParametersValidTo time.Time // ISO 8601 string or epoch seconds (number)
}

// ImportPayload is the signed statement inside the import bundle's DSSE envelope.
type ImportPayload struct {
	Type             string        `json:"type"`          // ImportType
	ParamsSHA256     string        `json:"params_sha256"` // lowercase hex SHA-256 of the params file bytes as read
	ParamsFormat     string        `json:"params_format"` // ParamsType, ParamsFormatAWSCLI or ParamsFormatSigned
	Token            TokenIdentity `json:"token"`
	ToolVersion      string        `json:"tool_version"`
	StartedAt        time.Time     `json:"started_at"`
	CreatedAt        time.Time     `json:"created_at"`
	Operators        []string      `json:"operators"`
	TranscriptSHA256 string        `json:"transcript_sha256"` // lowercase hex: the "hash" of the last transcript line before signing
	Entries          []ImportEntry `json:"entries"`
}

// TokenIdentity names the HSM token that wrapped and signed.
type TokenIdentity struct {
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Serial       string `json:"serial"`
	Label        string `json:"label"`
}

// ImportEntry is everything ImportKeyMaterial needs for one key, plus bindings.
type ImportEntry struct {
	KeyARN                  string     `json:"key_arn"`
	KeySpec                 string     `json:"key_spec"`
	WrappingAlgorithm       string     `json:"wrapping_algorithm"`
	WrappingKeySpec         string     `json:"wrapping_key_spec"`
	WrappingPublicKeySHA256 string     `json:"wrapping_public_key_sha256"` // lowercase hex SHA-256 of the DER SPKI
	ImportToken             []byte     `json:"import_token"`
	EncryptedKeyMaterial    []byte     `json:"encrypted_key_material"`
	ParametersValidTo       time.Time  `json:"parameters_valid_to"`
	ExpirationModel         string     `json:"expiration_model"`   // KEY_MATERIAL_EXPIRES | KEY_MATERIAL_DOES_NOT_EXPIRE
	ValidTo                 *time.Time `json:"valid_to,omitempty"` // required iff KEY_MATERIAL_EXPIRES
	ImportType              string     `json:"import_type,omitempty"`
	KeyMaterialDescription  string     `json:"key_material_description,omitempty"`
	KeyMaterialID           string     `json:"key_material_id,omitempty"` // EXISTING_KEY_MATERIAL only: the KeyMaterialId the reimport names
	// KeyMaterialIDFrom: a multi-Region replica's EXISTING_KEY_MATERIAL
	// import of the material this bundle imports as NEW_KEY_MATERIAL into
	// the primary, the entry whose key_arn this names; its KeyMaterialId is
	// the one that import returns (computed by KMS, unknown offline).
	KeyMaterialIDFrom string    `json:"key_material_id_from,omitempty"`
	HSMKey            HSMKeyRef `json:"hsm_key"`
	Proof             Proof     `json:"proof"`
}

// HSMKeyRef identifies the wrapped key inside the HSM.
type HSMKeyRef struct {
	Label       string `json:"label"`
	ID          string `json:"id"`           // CKA_ID, lowercase hex
	CheckValue  string `json:"check_value"`  // lowercase hex
	CheckMethod string `json:"check_method"` // see CheckMethod* constants
}

// Check value methods (SPEC.md, "Check values").
const (
	CheckMethodAESKCV     = "aes-kcv"     // CKA_CHECK_VALUE: first 3 bytes of AES-ECB(key, zero block)
	CheckMethodHMAC       = "hmac-kcv"    // first 8 bytes of HMAC(key, "airwrap check value v1") with the key spec's own hash (HMAC_224: SHA-224 ... HMAC_512: SHA-512), computed in the HSM
	CheckMethodSPKISHA256 = "spki-sha256" // SHA-256 of the DER SubjectPublicKeyInfo
)

// HMACCheckInput is the fixed string MACed for HMAC check values.
const HMACCheckInput = "airwrap check value v1"

// Proof is what lets the online half prove what was imported.
type Proof struct {
	PublicKey    []byte `json:"public_key,omitempty"`    // asymmetric: DER SPKI of the HSM key's public half
	MACAlgorithm string `json:"mac_algorithm,omitempty"` // HMAC: KMS MacAlgorithm, e.g. HMAC_SHA_256
	Challenge    []byte `json:"challenge,omitempty"`     // HMAC: 32 random bytes from the HSM
	MAC          []byte `json:"mac,omitempty"`           // HMAC: MAC of Challenge computed in the HSM
}
