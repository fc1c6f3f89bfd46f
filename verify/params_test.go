package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckParamsValidVectors(t *testing.T) {
	for _, name := range []string{"valid-one-entry.json", "valid-three-entries.json"} {
		err := CheckParams(validParams(t, name), now)
		assert.NoError(t, err, "%s", name)
	}
}

func TestCheckParams(t *testing.T) {
	mrk := "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
	cases := []struct {
		name     string
		edit     func(p *bundle.Params)
		sentinel error
		msg      string
	}{
		{"bad ARN", func(p *bundle.Params) { p.Entries[0].KeyARN = "arn:aws:kms:eu-west-1:111122223333:alias/x" }, kmsrules.ErrARN,
			`entries[0].key_arn: not a KMS key ARN: "arn:aws:kms:eu-west-1:111122223333:alias/x": an alias ARN: give the key ARN (aws kms describe-key shows it)`},
		{"account disagrees", func(p *bundle.Params) { p.Entries[0].Account = "444455556666" }, ErrInconsistent,
			`entries[0].account: fields disagree: "444455556666", but the key ARN says "111122223333"`},
		{"region disagrees", func(p *bundle.Params) { p.Entries[0].Region = "us-east-1" }, ErrInconsistent,
			`entries[0].region: fields disagree: "us-east-1", but the key ARN says "eu-west-1"`},
		{"multi-Region flag without mrk", func(p *bundle.Params) { p.Entries[0].MultiRegion = true; p.Entries[0].MultiRegionRole = "PRIMARY" }, ErrInconsistent,
			`entries[0].multi_region: fields disagree: true, but the key id "1234abcd-12ab-34cd-56ef-1234567890ab" says false`},
		{"mrk without role", func(p *bundle.Params) { p.Entries[0].KeyARN = mrk; p.Entries[0].MultiRegion = true }, ErrInconsistent,
			"entries[0].multi_region_role: fields disagree: missing for a multi-Region key (PRIMARY or REPLICA)"},
		{"same key twice", func(p *bundle.Params) { p.Entries = append(p.Entries, p.Entries[0]) }, ErrDuplicateKey,
			"entries[1].key_arn: the same KMS key appears twice: also entries[0]"},
		{"spec not importable", func(p *bundle.Params) { p.Entries[0].KeySpec = "ML_DSA_65" }, kmsrules.ErrKeySpec, ""},
		{"usage wrong", func(p *bundle.Params) { p.Entries[0].KeyUsage = "SIGN_VERIFY" }, kmsrules.ErrKeyUsage,
			`entries[0].key_usage: key usage not possible for this key spec: "SIGN_VERIFY" for SYMMETRIC_DEFAULT (possible: [ENCRYPT_DECRYPT])`},
		{"algorithm unknown", func(p *bundle.Params) { p.Entries[0].WrappingAlgorithm = "RSAES_PKCS1_V1_5" }, kmsrules.ErrWrappingAlgorithm, ""},
		{"algorithm not allowed", func(p *bundle.Params) { p.Entries[0].WrappingAlgorithm = string(kmsrules.RSAAESKeyWrapSHA256) }, kmsrules.ErrAlgorithmNotAllowed,
			"entries[0].wrapping_algorithm: wrapping algorithm not allowed for this key spec: RSA_AES_KEY_WRAP_SHA_256 for SYMMETRIC_DEFAULT (allowed: [RSAES_OAEP_SHA_256 RSAES_OAEP_SHA_1])"},
		{"P-521 under RSA_2048 OAEP", func(p *bundle.Params) {
			p.Entries[0].KeySpec, p.Entries[0].KeyUsage, p.Entries[0].WrappingAlgorithm = "ECC_NIST_P521", "SIGN_VERIFY", string(kmsrules.RSAESOAEPSHA256)
		}, kmsrules.ErrMaterialTooLarge, ""},
		{"wrapping spec unknown", func(p *bundle.Params) { p.Entries[0].WrappingKeySpec = "SM2" }, kmsrules.ErrWrappingKey,
			`entries[0].wrapping_key_spec: wrapping public key is not acceptable: unknown wrapping key spec "SM2" (want RSA_2048, RSA_3072 or RSA_4096)`},
		{"wrapping key size mismatch", func(p *bundle.Params) { p.Entries[0].WrappingKeySpec = "RSA_4096" }, kmsrules.ErrWrappingKey,
			"entries[0].public_key: wrapping public key is not acceptable: RSA 2048 bits, but the wrapping key spec says RSA_4096"},
		{"token too long for KMS", func(p *bundle.Params) { p.Entries[0].ImportToken = make([]byte, 6145) }, kmsrules.ErrBlobSize,
			"entries[0].import_token: KMS takes 1 to 6144 bytes here: 6145 bytes"},
		{"expired", func(p *bundle.Params) { p.Entries[0].ParametersValidTo = now.Add(-time.Minute) }, ErrParamsExpired,
			"entries[0].parameters_valid_to: import parameters have expired: at 2026-11-27T11:59:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validParams(t, "valid-one-entry.json")
			c.edit(p)
			wantErr(t, CheckParams(p, now), c.sentinel, c.msg)
		})
	}
}

func TestCheckParamsReportsEveryProblem(t *testing.T) {
	p := validParams(t, "valid-three-entries.json")
	p.Entries[0].Account = "444455556666"
	p.Entries[1].WrappingAlgorithm = string(kmsrules.RSAAESKeyWrapSHA1)
	p.Entries[2].ParametersValidTo = now
	err := CheckParams(p, now)
	for _, s := range []error{ErrInconsistent, kmsrules.ErrAlgorithmNotAllowed, ErrParamsExpired} {
		assert.ErrorIs(t, err, s, "missing %v in:\n%v", s, err)
	}
	n := len(strings.Split(err.Error(), "\n"))
	assert.Equal(t, 3, n, "want 3 problems, got %d:\n%v", n, err)
}

// FuzzCheckParams: parameters that parse never make the semantic checks
// panic (seeded with the syntax vectors and the semantic corpus).
func FuzzCheckParams(f *testing.F) {
	n := 0
	for _, dir := range []string{"testdata/params", vectors + "/params"} {
		files, _ := filepath.Glob(dir + "/*.json")
		for _, file := range files {
			data, err := os.ReadFile(file)
			require.NoError(f, err)
			f.Add(data)
			n++
		}
	}
	require.NotZero(f, n, "empty seed corpus")
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, err := bundle.ParseParams(data); err == nil {
			_ = CheckParams(p, now)
		}
	})
}
