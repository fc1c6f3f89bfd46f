package verify

import (
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
)

func TestCheckImportAgainstParams(t *testing.T) {
	one := readVector(t, "params/valid-one-entry.json")
	three := readVector(t, "params/valid-three-entries.json")
	cli := readVector(t, "awscli/valid-iso8601-zulu.json")
	cliFrac := readVector(t, "awscli/valid-epoch-fraction-v1.json")
	compact := readVector(t, "params/valid-compact-whitespace.json")
	// forCLI turns the symmetric payload into one answering AWS CLI JSON.
	forCLI := func(p *bundle.ImportPayload, raw []byte) {
		p.ParamsFormat = bundle.ParamsFormatAWSCLI
		p.ParamsSHA256 = bundle.SHA256Hex(raw)
	}
	cases := []struct {
		name     string
		payload  string
		params   []byte
		edit     func(p *bundle.ImportPayload)
		sentinel error
		msg      string
	}{
		{"one entry", "valid-symmetric.json", one, nil, nil, ""},
		{"three entries", "valid-three-entries.json", three, nil, nil, ""},
		{"AWS CLI JSON", "valid-symmetric.json", cli, func(p *bundle.ImportPayload) { forCLI(p, cli) }, nil, ""},
		{"other params file", "valid-symmetric.json", three, nil, ErrBinding,
			"params_sha256: bundle binding does not hold: the bundle answers parameters with SHA-256 " + bundle.SHA256Hex(one) + ", this file has " + bundle.SHA256Hex(three) + " (wrong or edited parameters file)"},
		{"same params re-formatted", "valid-symmetric.json", compact, nil, ErrBinding, ""},
		{"format says AWS CLI", "valid-symmetric.json", one, func(p *bundle.ImportPayload) { p.ParamsFormat = bundle.ParamsFormatAWSCLI }, ErrBinding,
			`params_format: bundle binding does not hold: "aws-cli/get-parameters-for-import", but the file is a parameters bundle`},
		{"key not in params", "valid-symmetric.json", one, func(p *bundle.ImportPayload) {
			p.Entries[0].KeyARN = "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09ab-87cd-65ef-0987654321ba"
		}, ErrBinding, "entries[0].key_arn: bundle binding does not hold: arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09ab-87cd-65ef-0987654321ba is not in the parameters"},
		{"another token", "valid-three-entries.json", three, func(p *bundle.ImportPayload) { p.Entries[1].ImportToken = p.Entries[2].ImportToken }, ErrBinding,
			"entries[1].import_token: bundle binding does not hold: not the token in the parameters"},
		{"another wrapping key", "valid-three-entries.json", three, func(p *bundle.ImportPayload) {
			p.Entries[1].WrappingPublicKeySHA256 = p.Entries[0].WrappingPublicKeySHA256
		}, ErrBinding, ""},
		{"another algorithm", "valid-symmetric.json", one, func(p *bundle.ImportPayload) { p.Entries[0].WrappingAlgorithm = string(kmsrules.RSAESOAEPSHA256) }, ErrBinding,
			`entries[0].wrapping_algorithm: bundle binding does not hold: "RSAES_OAEP_SHA_256", the parameters say "RSAES_OAEP_SHA_1"`},
		{"another key spec", "valid-symmetric.json", one, func(p *bundle.ImportPayload) { p.Entries[0].KeySpec = "HMAC_256" }, ErrBinding, ""},
		{"another validity", "valid-symmetric.json", one, func(p *bundle.ImportPayload) {
			p.Entries[0].ParametersValidTo = p.Entries[0].ParametersValidTo.Add(time.Second)
		}, ErrBinding,
			"entries[0].parameters_valid_to: bundle binding does not hold: 2026-11-28T10:00:01Z, the parameters say 2026-11-28T10:00:00Z"},
		{"AWS CLI validity differs", "valid-symmetric.json", cliFrac, func(p *bundle.ImportPayload) { forCLI(p, cliFrac) }, ErrBinding,
			"entries[0].parameters_valid_to: bundle binding does not hold: 2026-11-28T10:00:00Z, the parameters say 2026-11-28T10:00:00.123Z"},
		{"AWS CLI, two entries", "valid-three-entries.json", cli, func(p *bundle.ImportPayload) { forCLI(p, cli) }, ErrBinding,
			"entries: bundle binding does not hold: AWS CLI parameters cover one key, the bundle has 3 entries"},
		{"AWS CLI, wrapping key spec", "valid-symmetric.json", cli, func(p *bundle.ImportPayload) { forCLI(p, cli); p.Entries[0].WrappingKeySpec = "RSA_4096" }, ErrBinding,
			"entries[0].wrapping_key_spec: bundle binding does not hold: RSA_4096, the parameters' public key is RSA_2048"},
		{"AWS CLI, format says params", "valid-symmetric.json", cli, func(p *bundle.ImportPayload) { forCLI(p, cli); p.ParamsFormat = bundle.ParamsType }, ErrBinding, ""},
		{"not parameters at all", "valid-symmetric.json", readVector(t, "envelope/valid-p384.json"), func(p *bundle.ImportPayload) {
			p.ParamsSHA256 = bundle.SHA256Hex(readVector(t, "envelope/valid-p384.json"))
		}, ErrBinding, "bundle binding does not hold: the parameters file is a import bundle, not parameters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validPayload(t, c.payload)
			if c.edit != nil {
				c.edit(p)
			}
			wantErr(t, CheckImportAgainstParams(p, c.params), c.sentinel, c.msg)
		})
	}
}
