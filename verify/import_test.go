package verify

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckImportValidVectors(t *testing.T) {
	for _, name := range []string{"valid-symmetric.json", "valid-three-entries.json"} {
		err := CheckImport(validPayload(t, name), now)
		assert.NoError(t, err, "%s", name)
	}
}

func TestCheckImport(t *testing.T) {
	// Entries of valid-three-entries.json: 0 SYMMETRIC_DEFAULT, 1 HMAC_256, 2 ECC_NIST_P384.
	p256DER, err := x509.MarshalPKIXPublicKey(keys.Signer(t, "test-signer-p256").Public())
	require.NoError(t, err)
	cases := []struct {
		name     string
		edit     func(e []bundle.ImportEntry)
		sentinel error
		msg      string
	}{
		{"spec not importable", func(e []bundle.ImportEntry) { e[0].KeySpec = "SM2" }, kmsrules.ErrKeySpec, ""},
		{"algorithm unknown", func(e []bundle.ImportEntry) { e[0].WrappingAlgorithm = "RSAES_PKCS1_V1_5" }, kmsrules.ErrWrappingAlgorithm, ""},
		{"algorithm not allowed", func(e []bundle.ImportEntry) { e[0].WrappingAlgorithm = string(kmsrules.RSAAESKeyWrapSHA1) }, kmsrules.ErrAlgorithmNotAllowed, ""},
		{"wrapping spec unknown", func(e []bundle.ImportEntry) { e[0].WrappingKeySpec = "RSA_1024" }, kmsrules.ErrWrappingKey, ""},
		{"OAEP length", func(e []bundle.ImportEntry) { e[0].EncryptedKeyMaterial = e[0].EncryptedKeyMaterial[:255] }, kmsrules.ErrEncryptedLen,
			"entries[0].encrypted_key_material: encrypted key material has the wrong length: 255 bytes, RSAES_OAEP_SHA_1 with RSA_2048 gives 256"},
		{"OAEP length vs spec", func(e []bundle.ImportEntry) { e[0].WrappingKeySpec = "RSA_4096" }, kmsrules.ErrEncryptedLen, ""},
		{"key wrap length not 8-aligned", func(e []bundle.ImportEntry) { e[2].EncryptedKeyMaterial = e[2].EncryptedKeyMaterial[:700] }, kmsrules.ErrEncryptedLen,
			"entries[2].encrypted_key_material: encrypted key material has the wrong length: 700 bytes is not 512 plus an AES key wrap of ECC_NIST_P384 material"},
		{"key wrap too long for spec", func(e []bundle.ImportEntry) {
			e[2].EncryptedKeyMaterial = append(e[2].EncryptedKeyMaterial, make([]byte, 64)...)
		}, kmsrules.ErrEncryptedLen, ""},
		{"expires without ValidTo", func(e []bundle.ImportEntry) { e[0].ValidTo = nil }, kmsrules.ErrValidTo, ""},
		{"ValidTo with does-not-expire", func(e []bundle.ImportEntry) { e[2].ValidTo = &now }, kmsrules.ErrValidTo,
			"entries[2].valid_to: ValidTo is not acceptable: KEY_MATERIAL_DOES_NOT_EXPIRE takes no ValidTo"},
		{"ValidTo too far", func(e []bundle.ImportEntry) { v := now.AddDate(2, 0, 0); e[0].ValidTo = &v }, kmsrules.ErrValidTo, ""},
		{"parameters expired", func(e []bundle.ImportEntry) { e[1].ParametersValidTo = now.Add(-time.Hour) }, ErrParamsExpired,
			"entries[1].parameters_valid_to: import parameters have expired: at 2026-11-27T11:00:00Z"},
		{"import type on EC key", func(e []bundle.ImportEntry) { e[2].ImportType = bundle.ImportNew }, ErrInconsistent,
			"entries[2].import_type: fields disagree: import type is not acceptable: only symmetric keys take an import type"},
		{"description on HMAC key", func(e []bundle.ImportEntry) { e[1].KeyMaterialDescription = "x" }, ErrInconsistent, ""},
		{"symmetric with proof", func(e []bundle.ImportEntry) { e[0].Proof.PublicKey = e[2].Proof.PublicKey }, ErrProof,
			"entries[0].proof: proof of the imported key is missing or wrong: symmetric keys carry no proof"},
		{"HMAC wrong MAC algorithm", func(e []bundle.ImportEntry) { e[1].Proof.MACAlgorithm = "HMAC_SHA_512" }, ErrProof,
			`entries[1].proof: proof of the imported key is missing or wrong: mac_algorithm "HMAC_SHA_512", want HMAC_SHA_256 for HMAC_256`},
		{"HMAC no challenge", func(e []bundle.ImportEntry) { e[1].Proof.Challenge = nil }, ErrProof,
			"entries[1].proof: proof of the imported key is missing or wrong: challenge of 0 bytes, want 16 to 64"},
		{"HMAC short MAC", func(e []bundle.ImportEntry) { e[1].Proof.MAC = e[1].Proof.MAC[:20] }, ErrProof,
			"entries[1].proof: proof of the imported key is missing or wrong: MAC of 20 bytes, HMAC_SHA_256 gives 32"},
		{"EC without public key", func(e []bundle.ImportEntry) { e[2].Proof.PublicKey = nil }, ErrProof,
			"entries[2].proof: proof of the imported key is missing or wrong: public_key missing (needed to prove the import with GetPublicKey)"},
		{"EC public key on another curve", func(e []bundle.ImportEntry) {
			e[2].Proof.PublicKey = p256DER
			e[2].HSMKey.CheckValue = bundle.SHA256Hex(p256DER)
		}, ErrProof, "entries[2].proof: proof of the imported key is missing or wrong: public key is not on P-384, key spec is ECC_NIST_P384"},
		{"EC check value not the public key's", func(e []bundle.ImportEntry) { e[2].HSMKey.CheckValue = bundle.SHA256Hex([]byte("x")) }, ErrProof,
			"entries[2].hsm_key: proof of the imported key is missing or wrong: check_value is not the SHA-256 of proof.public_key"},
		{"check method for the wrong kind", func(e []bundle.ImportEntry) { e[0].HSMKey.CheckMethod = bundle.CheckMethodHMAC }, ErrInconsistent,
			`entries[0].hsm_key: fields disagree: check_method "hmac-kcv", want aes-kcv for SYMMETRIC_DEFAULT`},
		{"AES check value length", func(e []bundle.ImportEntry) { e[0].HSMKey.CheckValue = "a1b2" }, ErrInconsistent, ""},
		{"same key twice", func(e []bundle.ImportEntry) { e[1].KeyARN = e[0].KeyARN }, ErrDuplicateKey,
			"entries[1].key_arn: the same KMS key appears twice: also entries[0]"},
		{"bad ARN", func(e []bundle.ImportEntry) { e[0].KeyARN = "payments" }, kmsrules.ErrARN, ""},
		{"token too long for KMS", func(e []bundle.ImportEntry) { e[0].ImportToken = make([]byte, 6145) }, kmsrules.ErrBlobSize,
			"entries[0].import_token: KMS takes 1 to 6144 bytes here: 6145 bytes"},
		{"empty material", func(e []bundle.ImportEntry) { e[1].EncryptedKeyMaterial = nil }, kmsrules.ErrBlobSize, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validPayload(t, "valid-three-entries.json")
			c.edit(p.Entries)
			wantErr(t, CheckImport(p, now), c.sentinel, c.msg)
		})
	}
}
