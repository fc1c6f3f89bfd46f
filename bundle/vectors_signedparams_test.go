package bundle

import (
	"bytes"
	"crypto"
	"encoding/json"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

func signParamsFile(t *testing.T, raw []byte, names ...string) []byte {
	t.Helper()
	var signers []crypto.Signer
	for _, n := range names {
		signers = append(signers, keys.Signer(t, n))
	}
	out, err := SignParams(raw, signers...)
	require.NoError(t, err)
	return out
}

// signedParamsVectors: parameters bundles signed on the online side (SPEC.md 2.1).
func signedParamsVectors(t *testing.T) []vector {
	one := mustMarshal(t, func() ([]byte, error) { return MarshalParams(paramsOne(t)) })
	multi := mustMarshal(t, func() ([]byte, error) { return MarshalParams(paramsMulti(t)) })
	var compact bytes.Buffer
	err := json.Compact(&compact, one)
	require.NoError(t, err)
	signed := signParamsFile(t, one, "test-signer-p384")
	two := signParamsFile(t, multi, "test-signer-p384", "test-signer-rsa3072")
	env, err := parseEnvelope(signed, ParamsPayloadType)
	require.NoError(t, err)
	other, err := parseEnvelope(signParamsFile(t, multi, "test-signer-p384"), ParamsPayloadType)
	require.NoError(t, err)
	// An envelope around a payload that is not a valid parameters bundle
	// (written by hand: SignParams refuses it).
	wrap := func(payload []byte) []byte {
		e := &Envelope{PayloadType: ParamsPayloadType, Payload: b64(payload), Signatures: env.Signatures}
		out, err := encodeEnvelope(e)
		require.NoError(t, err)
		return out
	}
	arn := `"key_arn": "` + arnSym + `"`
	return []vector{
		{path: "signedparams/valid-p384.json", data: signed},
		{path: "signedparams/valid-two-signers.json", data: two},
		{path: "signedparams/valid-compact-payload.json", data: signParamsFile(t, compact.Bytes(), "test-signer-p256")},
		{path: "signedparams/invalid-signature-from-other-payload.json", data: edit(t, signed, env.Signatures[0].Sig, other.Signatures[0].Sig),
			err: "signatures[0]: signature does not verify"},
		{path: "signedparams/invalid-import-payload-type.json", data: edit(t, signed, ParamsPayloadType, ImportPayloadType),
			err: `payloadType: "application/vnd.airwrap.import.v1+json" is not one of application/vnd.airwrap.params.v1+json`},
		{path: "signedparams/invalid-compact.json", data: compactJSON(t, signed),
			err: "document: not in canonical form (first difference at byte 1): airwrap writes these files byte for byte; do not edit or re-format them"},
		{path: "signedparams/invalid-duplicate-keyid.json", data: edit(t, two, `"keyid": "`+mustKeyID(t, "test-signer-rsa3072")+`"`, `"keyid": "`+env.Signatures[0].KeyID+`"`),
			err: "signatures[1].keyid: same key as signatures[0]"},
		{path: "signedparams/invalid-payload-unknown-field.json", data: wrap(edit(t, one, arn, arn+`,
      "comment": "hello"`)), err: "payload.entries[0].comment: unknown field"},
		{path: "signedparams/invalid-payload-duplicate-key.json", data: wrap(edit(t, one, arn, arn+",\n      "+arn)),
			err: "payload.entries[0].key_arn: duplicate key"},
		{path: "signedparams/invalid-payload-not-json.json", data: wrap([]byte("not json")),
			err: "payload: invalid JSON at byte 2: invalid character 'o' in literal null (expecting 'u')"},
		{path: "signedparams/invalid-payload-top-level-array.json", data: wrap([]byte("[]")),
			err: "payload: want object, got array"},
		{path: "signedparams/invalid-payload-signed-twice.json", data: wrap(signed),
			err: "payload.type: missing\npayload.created_at: missing\npayload.tool_version: missing\npayload.entries: missing\npayload.payloadType: unknown field\npayload.payload: unknown field\npayload.signatures: unknown field"},
		{path: "signedparams/invalid-payload-empty.json", data: []byte(strings.Replace(string(signed), `"payload": "`+env.Payload+`"`, `"payload": ""`, 1)),
			err: "payload: 0 bytes, want 1 to 67108864"},
		{path: "signedparams/invalid-no-signatures.json", data: []byte("{\n  \"payloadType\": \"" + ParamsPayloadType + "\",\n  \"payload\": \"" + b64(one) + "\",\n  \"signatures\": []\n}\n"),
			err: "signatures: 0 elements, want 1 to 16"},
	}
}

func compactJSON(t *testing.T, b []byte) []byte {
	var c bytes.Buffer
	err := json.Compact(&c, b)
	require.NoError(t, err)
	return c.Bytes()
}

func mustKeyID(t *testing.T, name string) string {
	id, err := KeyID(keys.Signer(t, name).Public())
	require.NoError(t, err)
	return id
}
