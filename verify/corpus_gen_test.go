package verify

import (
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

// go test ./verify -run TestGenerateCorpus -update rewrites testdata/params
// and testdata/import: files that parse (package bundle accepts them) but
// break a semantic rule. The expected errors are typed here by hand.
var update = flag.Bool("update", false, "regenerate verify/testdata corpora")

type semVector struct {
	name string
	edit func(t *testing.T, p any)
	err  string
}

// rsaPub builds an RSA SPKI with a modulus of bits bits (deterministic, not
// a real key: only its shape matters) and exponent e.
func rsaPub(t *testing.T, bits, e int) []byte {
	var buf []byte
	for i := 0; len(buf)*8 < bits; i++ {
		s := sha512.Sum512([]byte{byte(i)})
		buf = append(buf, s[:]...)
	}
	n := new(big.Int).SetBytes(buf[:bits/8])
	n.SetBit(n, bits-1, 1)
	n.SetBit(n, 0, 1)
	der, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: n, E: e})
	require.NoError(t, err)
	return der
}

func paramsCorpus(t *testing.T) []semVector {
	pe := func(f func(e *bundle.ParamsEntry)) func(*testing.T, any) {
		return func(_ *testing.T, p any) { f(&p.(*bundle.Params).Entries[0]) }
	}
	p256, err := x509.MarshalPKIXPublicKey(keys.Signer(t, "test-signer-p256").Public())
	require.NoError(t, err)
	return []semVector{
		{"invalid-arn-unparsable", pe(func(e *bundle.ParamsEntry) { e.KeyARN = "payments-2026" }),
			`entries[0].key_arn: not a KMS key ARN: "payments-2026" (want arn:aws:kms:<region>:<account>:key/<key id>)`},
		{"invalid-arn-alias", pe(func(e *bundle.ParamsEntry) { e.KeyARN = "arn:aws:kms:eu-west-1:111122223333:alias/x" }),
			`entries[0].key_arn: not a KMS key ARN: "arn:aws:kms:eu-west-1:111122223333:alias/x": an alias ARN: give the key ARN (aws kms describe-key shows it)`},
		{"invalid-account-disagrees", pe(func(e *bundle.ParamsEntry) { e.Account = "444455556666" }),
			`entries[0].account: fields disagree: "444455556666", but the key ARN says "111122223333"`},
		{"invalid-region-disagrees", pe(func(e *bundle.ParamsEntry) { e.Region = "us-east-1" }),
			`entries[0].region: fields disagree: "us-east-1", but the key ARN says "eu-west-1"`},
		{"invalid-same-key-twice", func(_ *testing.T, p any) {
			pp := p.(*bundle.Params)
			pp.Entries = append(pp.Entries, pp.Entries[0])
		}, "entries[1].key_arn: the same KMS key appears twice: also entries[0]"},
		{"invalid-wrapping-key-1024-bits", pe(func(e *bundle.ParamsEntry) { e.PublicKey = rsaPub(t, 1024, 65537) }),
			"entries[0].public_key: wrapping public key is not acceptable: RSA 1024 bits, but the wrapping key spec says RSA_2048"},
		{"invalid-wrapping-key-spec-1024", pe(func(e *bundle.ParamsEntry) { e.PublicKey, e.WrappingKeySpec = rsaPub(t, 1024, 65537), "RSA_1024" }),
			`entries[0].wrapping_key_spec: wrapping public key is not acceptable: unknown wrapping key spec "RSA_1024" (want RSA_2048, RSA_3072 or RSA_4096)`},
		{"invalid-wrapping-key-exponent-3", pe(func(e *bundle.ParamsEntry) { e.PublicKey = rsaPub(t, 2048, 3) }),
			"entries[0].public_key: wrapping public key is not acceptable: public exponent 3, want 65537"},
		{"invalid-wrapping-key-not-rsa", pe(func(e *bundle.ParamsEntry) { e.PublicKey = p256 }),
			"entries[0].public_key: wrapping public key is not acceptable: *ecdsa.PublicKey, want RSA"},
		{"invalid-wrapping-key-not-der", pe(func(e *bundle.ParamsEntry) { e.PublicKey = []byte("not a key") }),
			"entries[0].public_key: wrapping public key is not acceptable: not a DER SubjectPublicKeyInfo of a known key type"},
		{"invalid-expired", pe(func(e *bundle.ParamsEntry) { e.ParametersValidTo = now.Add(-time.Minute) }),
			"entries[0].parameters_valid_to: import parameters have expired: at 2026-11-27T11:59:00Z"},
		{"invalid-token-too-long-for-kms", pe(func(e *bundle.ParamsEntry) { e.ImportToken = make([]byte, 6145) }),
			"entries[0].import_token: KMS takes 1 to 6144 bytes here: 6145 bytes"},
		{"invalid-key-usage", pe(func(e *bundle.ParamsEntry) { e.KeyUsage = "SIGN_VERIFY" }),
			`entries[0].key_usage: key usage not possible for this key spec: "SIGN_VERIFY" for SYMMETRIC_DEFAULT (possible: [ENCRYPT_DECRYPT])`},
		{"invalid-algorithm-not-allowed", pe(func(e *bundle.ParamsEntry) { e.WrappingAlgorithm = string(kmsrules.RSAAESKeyWrapSHA256) }),
			"entries[0].wrapping_algorithm: wrapping algorithm not allowed for this key spec: RSA_AES_KEY_WRAP_SHA_256 for SYMMETRIC_DEFAULT (allowed: [RSAES_OAEP_SHA_256 RSAES_OAEP_SHA_1])"},
	}
}

func importCorpus(t *testing.T) []semVector {
	ie := func(f func(e []bundle.ImportEntry)) func(*testing.T, any) {
		return func(_ *testing.T, p any) { f(p.(*bundle.ImportPayload).Entries) }
	}
	return []semVector{
		{"invalid-valid-to-past-365-days", ie(func(e []bundle.ImportEntry) { v := now.AddDate(0, 0, 366); e[0].ValidTo = &v }),
			"entries[0].valid_to: ValidTo is not acceptable: 2027-11-28T12:00:00Z is more than 365 days ahead: the latest allowed now is 2027-11-27T12:00:00Z (as a date alone, 2027-11-27)"},
		{"invalid-valid-to-past", ie(func(e []bundle.ImportEntry) { v := now.Add(-time.Hour); e[0].ValidTo = &v }),
			"entries[0].valid_to: ValidTo is not acceptable: 2026-11-27T11:00:00Z is not in the future"},
		{"invalid-parameters-expired", ie(func(e []bundle.ImportEntry) { e[1].ParametersValidTo = now.Add(-time.Hour) }),
			"entries[1].parameters_valid_to: import parameters have expired: at 2026-11-27T11:00:00Z"},
		{"invalid-same-key-twice", ie(func(e []bundle.ImportEntry) { e[1].KeyARN = e[0].KeyARN }),
			"entries[1].key_arn: the same KMS key appears twice: also entries[0]"},
		{"invalid-arn-unparsable", ie(func(e []bundle.ImportEntry) { e[0].KeyARN = "payments" }),
			`entries[0].key_arn: not a KMS key ARN: "payments" (want arn:aws:kms:<region>:<account>:key/<key id>)`},
		{"invalid-token-too-long-for-kms", ie(func(e []bundle.ImportEntry) { e[0].ImportToken = make([]byte, 6145) }),
			"entries[0].import_token: KMS takes 1 to 6144 bytes here: 6145 bytes"},
	}
}

func TestGenerateCorpus(t *testing.T) {
	if !*update {
		t.Skip("corpus generator: run with -update")
	}
	write := func(dir, name string, data []byte, msg string) {
		p := filepath.Join("testdata", dir, name)
		err := os.MkdirAll(filepath.Dir(p), 0o755)
		require.NoError(t, err)
		err = os.WriteFile(p+".json", data, 0o644)
		require.NoError(t, err)
		err = os.WriteFile(p+".err", []byte(msg+"\n"), 0o644)
		require.NoError(t, err)
	}
	for _, v := range paramsCorpus(t) {
		p := validParams(t, "valid-one-entry.json")
		v.edit(t, p)
		data, err := bundle.MarshalParams(p)
		require.NoError(t, err, "%s", v.name)
		write("params", v.name, data, v.err)
	}
	for _, v := range importCorpus(t) {
		p := validPayload(t, "valid-three-entries.json")
		v.edit(t, p)
		data, err := bundle.MarshalImportPayload(p)
		require.NoError(t, err, "%s", v.name)
		write("import", v.name, data, v.err)
	}
}
