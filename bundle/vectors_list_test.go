package bundle

import (
	"bytes"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

func paramsVectors(t *testing.T) []vector {
	one := mustMarshal(t, func() ([]byte, error) { return MarshalParams(paramsOne(t)) })
	multi := mustMarshal(t, func() ([]byte, error) { return MarshalParams(paramsMulti(t)) })
	var compact bytes.Buffer
	err := json.Compact(&compact, one)
	require.NoError(t, err)
	arn := `"key_arn": "` + arnSym + `"`
	pk := `"public_key": "`
	return []vector{
		{path: "params/valid-one-entry.json", data: one},
		{path: "params/valid-three-entries.json", data: multi},
		{path: "params/valid-multi-region.json", data: mustMarshal(t, func() ([]byte, error) { return MarshalParams(paramsMultiRegion(t)) })},
		{path: "params/valid-compact-whitespace.json", data: compact.Bytes()},
		{path: "params/invalid-duplicate-key-top.json", data: edit(t, one, `"tool_version"`, `"type": "airwrap/parameters/v1",
  "tool_version"`), err: "type: duplicate key"},
		{path: "params/invalid-duplicate-key-nested.json", data: edit(t, one, arn, arn+",\n      "+arn),
			err: "entries[0].key_arn: duplicate key"},
		{path: "params/invalid-case-mismatch.json", data: edit(t, one, `"key_arn"`, `"Key_Arn"`),
			err: "entries[0].key_arn: missing\nentries[0].Key_Arn: unknown field (names are case-sensitive: did you mean \"key_arn\"?)"},
		{path: "params/invalid-unknown-field.json", data: edit(t, one, arn, arn+`,
      "comment": "hello"`), err: "entries[0].comment: unknown field"},
		{path: "params/invalid-trailing-data.json", data: append(append([]byte{}, one...), "{}\n"...),
			err: "document: trailing data after the JSON value"},
		{path: "params/invalid-trailing-garbage.json", data: append(append([]byte{}, one...), "x"...),
			err: "document: trailing data after the JSON value"},
		{path: "params/invalid-wrong-type-bool.json", data: edit(t, one, `"multi_region": false`, `"multi_region": "false"`),
			err: "entries[0].multi_region: want boolean, got string"},
		{path: "params/invalid-null.json", data: edit(t, one, `"key_usage": "ENCRYPT_DECRYPT"`, `"key_usage": null`),
			err: "entries[0].key_usage: want string, got null"},
		{path: "params/invalid-too-deep.json", data: edit(t, one, `"region": "eu-west-1"`, `"region": {"name": "eu-west-1"}`),
			err: "entries[0].region: nested deeper than this format allows (depth 3)"},
		{path: "params/invalid-url-base64.json", data: edit(t, one, pk+"MIIB", pk+"MII-_"),
			err: "entries[0].public_key: not standard padded base64 (SPEC.md R8): '-' at byte 3 of the value is not in the alphabet A-Z a-z 0-9 + / ="},
		{path: "params/invalid-base64-unpadded.json", data: edit(t, one, pk+"MIIB", pk+"MIIBx"),
			err: "entries[0].public_key: not standard padded base64 (SPEC.md R8): length 393 is not a multiple of 4 (padding missing or extra)"},
		{path: "params/invalid-base64-noncanonical-bits.json", data: edit(t, one, `"import_token": "`, `"import_token": "QR==`),
			err: "entries[0].import_token: not standard padded base64 (SPEC.md R8): misplaced padding or non-zero trailing bits at byte 2 of the value"},
		{path: "params/invalid-token-too-large.json", data: edit(t, one, `"import_token": "`, `"import_token": "`+b64(make([]byte, 8193))+`","x": "`),
			err: "entries[0].import_token: 8193 bytes, want 1 to 8192\nentries[0].x: unknown field"},
		{path: "params/invalid-bad-timestamp.json", data: edit(t, one, `"parameters_valid_to": "2026-11-28T10:00:00Z"`, `"parameters_valid_to": "2026-11-28 10:00:00"`),
			err: `entries[0].parameters_valid_to: "2026-11-28 10:00:00" is not an RFC 3339 timestamp (e.g. 2026-06-30T00:00:00Z)`},
		{path: "params/invalid-wrong-type-constant.json", data: edit(t, one, `"airwrap/parameters/v1"`, `"airwrap/parameters/v2"`),
			err: `type: "airwrap/parameters/v2" is not one of airwrap/parameters/v1`},
		{path: "params/invalid-no-entries.json", data: []byte(`{"type": "airwrap/parameters/v1", "created_at": "2026-11-27T10:00:00Z", "tool_version": "x", "entries": []}`),
			err: "entries: 0 elements, want 1 to 1000"},
		{path: "params/invalid-missing-fields.json", data: []byte(`{"type": "airwrap/parameters/v1", "entries": [{"key_arn": "a"}]}`),
			err: strings.Join([]string{"created_at: missing", "tool_version: missing",
				"entries[0].account: missing", "entries[0].region: missing", "entries[0].key_spec: missing",
				"entries[0].key_usage: missing", "entries[0].multi_region: missing", "entries[0].wrapping_algorithm: missing",
				"entries[0].wrapping_key_spec: missing", "entries[0].public_key: missing", "entries[0].import_token: missing",
				"entries[0].parameters_valid_to: missing"}, "\n")},
		{path: "params/invalid-control-character.json", data: edit(t, one, `"tool_version": "airwrap-online 0.1.0"`, `"tool_version": "airwrap\u001b[31m"`),
			err: "tool_version: contains a control or non-printable character"},
		{path: "params/invalid-not-utf8.json", data: edit(t, one, `"airwrap-online 0.1.0"`, "\"airwrap-online \xff\""),
			err: "document: not valid UTF-8"},
		{path: "params/invalid-syntax.json", data: []byte(`{"type": ]`),
			err: "type: invalid JSON at byte 9: invalid character ']' looking for beginning of value"},
		{path: "params/invalid-truncated.json", data: one[:bytes.Index(one, []byte(`"account"`))],
			err: "entries[0]: invalid JSON: unexpected end of input"},
		{path: "params/invalid-empty.json", data: []byte("\n"), err: "document: empty"},
		{path: "params/invalid-top-level-array.json", data: []byte("[]"), err: "document: want object, got array"},
		{path: "params/invalid-bad-role.json", data: edit(t, multi, `"multi_region_role": "PRIMARY"`, `"multi_region_role": "primary"`),
			err: `entries[1].multi_region_role: "primary" is not one of PRIMARY, REPLICA`},
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func awscliJSON(keyID string, token, pub []byte, validTo string) []byte {
	return []byte(`{
    "KeyId": "` + keyID + `",
    "ImportToken": "` + b64(token) + `",
    "PublicKey": "` + b64(pub) + `",
    "ParametersValidTo": ` + validTo + `
}
`)
}

func awscliVectors(t *testing.T) []vector {
	pub := keys.WrappingDER(t, 2048)
	v2 := awscliJSON(arnSym, tokenSym, pub, `"2026-11-28T10:00:00.123000+00:00"`)
	return []vector{
		{path: "awscli/valid-iso8601-v2.json", data: v2},
		{path: "awscli/valid-iso8601-zulu.json", data: awscliJSON(arnSym, tokenSym, pub, `"2026-11-28T10:00:00Z"`)},
		{path: "awscli/valid-epoch-fraction-v1.json", data: awscliJSON(arnSym, tokenSym, pub, `1795860000.123`)},
		{path: "awscli/valid-epoch-integer.json", data: awscliJSON(arnSym, tokenSym, pub, `1795860000`)},
		{path: "awscli/invalid-epoch-exponent.json", data: awscliJSON(arnSym, tokenSym, pub, `1.79586e9`),
			err: `ParametersValidTo: "1.79586e9" is not a number of seconds since 1970 (e.g. 1782777600 or 1782777600.123)`},
		{path: "awscli/invalid-epoch-negative.json", data: awscliJSON(arnSym, tokenSym, pub, `-1`),
			err: `ParametersValidTo: "-1" is not a number of seconds since 1970 (e.g. 1782777600 or 1782777600.123)`},
		{path: "awscli/invalid-timestamp-string.json", data: awscliJSON(arnSym, tokenSym, pub, `"28/11/2026"`),
			err: `ParametersValidTo: "28/11/2026" is not an ISO 8601 timestamp (e.g. 2026-06-30T00:00:00+00:00)`},
		{path: "awscli/invalid-timestamp-bool.json", data: awscliJSON(arnSym, tokenSym, pub, `true`),
			err: `ParametersValidTo: want string or number, got boolean`},
		{path: "awscli/invalid-case-mismatch.json", data: edit(t, v2, `"KeyId"`, `"keyId"`),
			err: "KeyId: missing\nkeyId: unknown field (names are case-sensitive: did you mean \"KeyId\"?)"},
		{path: "awscli/invalid-duplicate-key.json", data: edit(t, v2, `"KeyId"`, `"KeyId": "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "KeyId"`), err: "KeyId: duplicate key"},
		{path: "awscli/invalid-unknown-field.json", data: edit(t, v2, `"KeyId"`, `"ResponseMetadata": {},
    "KeyId"`), err: "ResponseMetadata: nested deeper than this format allows (depth 1)"},
		{path: "awscli/invalid-url-base64.json", data: edit(t, v2, `"PublicKey": "MIIB`, `"PublicKey": "MII_`),
			err: "PublicKey: not standard padded base64 (SPEC.md R8): '_' at byte 3 of the value is not in the alphabet A-Z a-z 0-9 + / ="},
		{path: "awscli/invalid-missing-public-key.json", data: []byte(`{"KeyId": "` + arnSym + `", "ImportToken": "AAAA", "ParametersValidTo": 1795860000}`),
			err: "PublicKey: missing"},
		{path: "awscli/invalid-extra-string-field.json", data: edit(t, v2, `"KeyId"`, `"KeyOrigin": "EXTERNAL",
    "KeyId"`), err: "KeyOrigin: unknown field"},
	}
}

func payloadVectors(t *testing.T) []vector {
	sym := mustMarshal(t, func() ([]byte, error) { return MarshalImportPayload(payloadFor(t, paramsOne(t))) })
	multi := mustMarshal(t, func() ([]byte, error) { return MarshalImportPayload(payloadFor(t, paramsMulti(t))) })
	var pretty bytes.Buffer
	err := json.Indent(&pretty, sym, "", "  ")
	require.NoError(t, err)
	// A reimport into a chosen material: EXISTING_KEY_MATERIAL and the KeyMaterialId it names.
	re := payloadFor(t, paramsOne(t))
	re.Entries[0].ImportType = ImportExisting
	re.Entries[0].KeyMaterialID = materialID
	reimport := mustMarshal(t, func() ([]byte, error) { return MarshalImportPayload(re) })
	rotation := mustMarshal(t, func() ([]byte, error) { return MarshalImportPayload(payloadMultiRegionRotation(t)) })
	from := `"key_material_id_from":"` + arnMRKPrimary + `"`
	return []vector{
		{path: "payload/valid-multi-region-rotation.json", data: rotation},
		{path: "payload/invalid-material-id-from-number.json", data: edit(t, rotation, from, `"key_material_id_from":7`),
			err: "entries[1].key_material_id_from: want string, got number"},
		{path: "payload/invalid-material-id-from-control.json", data: edit(t, rotation, from, `"key_material_id_from":"arn\u0007"`),
			err: "entries[1].key_material_id_from: contains a control or non-printable character"},
		{path: "payload/valid-symmetric.json", data: sym},
		{path: "payload/valid-reimport.json", data: reimport},
		{path: "payload/invalid-material-id-uppercase.json", data: edit(t, reimport, materialID, strings.ToUpper(materialID)),
			err: "entries[0].key_material_id: want 64 lowercase hex characters"},
		{path: "payload/invalid-material-id-short.json", data: edit(t, reimport, materialID, materialID[:62]),
			err: "entries[0].key_material_id: want 64 lowercase hex characters"},
		{path: "payload/valid-three-entries.json", data: multi},
		{path: "payload/invalid-pretty-printed.json", data: pretty.Bytes(),
			err: "document: not in canonical form (first difference at byte 1): airwrap writes these files byte for byte; do not edit or re-format them"},
		{path: "payload/invalid-trailing-newline.json", data: append(append([]byte{}, sym...), '\n'),
			err: "document: not in canonical form (first difference at byte " + itoa(len(sym)) + "): airwrap writes these files byte for byte; do not edit or re-format them"},
		{path: "payload/invalid-time-offset.json", data: edit(t, sym, `"started_at":"2026-11-27T11:00:00Z"`, `"started_at":"2026-11-27T12:00:00+01:00"`),
			err: "document: not in canonical form (first difference at byte " + itoa(bytes.Index(sym, []byte(`"started_at"`))+26) + "): airwrap writes these files byte for byte; do not edit or re-format them"},
		{path: "payload/invalid-escaped-name.json", data: edit(t, sym, `"type"`, `"typ\u0065"`),
			err: "document: not in canonical form (first difference at byte 5): airwrap writes these files byte for byte; do not edit or re-format them"},
		{path: "payload/invalid-duplicate-nested.json", data: edit(t, sym, `"check_value":"a1b2c3"`, `"check_value":"a1b2c3","check_value":"ffffff"`),
			err: "entries[0].hsm_key.check_value: duplicate key"},
		{path: "payload/invalid-unknown-proof-field.json", data: edit(t, sym, `"proof":{}`, `"proof":{"key":"AAAA"}`),
			err: "entries[0].proof.key: unknown field"},
		{path: "payload/invalid-uppercase-hex.json", data: edit(t, sym, `"check_value":"a1b2c3"`, `"check_value":"A1B2C3"`),
			err: "entries[0].hsm_key.check_value: want lowercase hex, an even number of characters, at most 128"},
		{path: "payload/invalid-short-digest.json", data: edit(t, sym, `"params_sha256":"`, `"params_sha256":"00`),
			err: "params_sha256: want 64 lowercase hex characters"},
		{path: "payload/invalid-operators-null.json", data: edit(t, sym, `"operators":["A. Officer","B. Witness <b@example.com>"]`, `"operators":null`),
			err: "operators: want array, got null"},
		{path: "payload/invalid-operator-empty.json", data: edit(t, sym, `"A. Officer"`, `""`),
			err: "operators[0]: want 1 to 128 bytes"},
		{path: "payload/invalid-description-chars.json", data: edit(t, sym, `"payments 2026"`, `"payments; 2026"`),
			err: "entries[0].key_material_description: want 1 to 256 characters of a-z A-Z 0-9 : / _ . - and white space"},
		{path: "payload/invalid-expiration-model.json", data: edit(t, sym, `"KEY_MATERIAL_EXPIRES"`, `"KEY_MATERIAL_EXPIRE"`),
			err: `entries[0].expiration_model: "KEY_MATERIAL_EXPIRE" is not one of KEY_MATERIAL_EXPIRES, KEY_MATERIAL_DOES_NOT_EXPIRE`},
		{path: "payload/invalid-material-empty.json", data: edit(t, sym, `"encrypted_key_material":"`, `"encrypted_key_material":"","x":"`),
			err: "entries[0].encrypted_key_material: 0 bytes, want 1 to 6144\nentries[0].x: unknown field"},
		{path: "payload/invalid-material-too-large.json", data: edit(t, sym, `"encrypted_key_material":"`, `"encrypted_key_material":"`+b64(make([]byte, 6145))+`","x":"`),
			err: "entries[0].encrypted_key_material: 6145 bytes, want 1 to 6144\nentries[0].x: unknown field"},
		{path: "payload/invalid-check-method.json", data: edit(t, sym, `"aes-kcv"`, `"md5"`),
			err: `entries[0].hsm_key.check_method: "md5" is not one of aes-kcv, hmac-kcv, spki-sha256`},
		{path: "payload/invalid-too-deep.json", data: edit(t, sym, `"proof":{}`, `"proof":{"mac":["AAAA"]}`),
			err: "entries[0].proof.mac: nested deeper than this format allows (depth 4)"},
		{path: "payload/invalid-wrong-type.json", data: edit(t, sym, `"import_token":"`, `"import_token":7,"x":"`),
			err: "entries[0].import_token: want string, got number\nentries[0].x: unknown field"},
	}
}

func envelopeVectors(t *testing.T) []vector {
	sym := mustMarshal(t, func() ([]byte, error) { return MarshalImportPayload(payloadFor(t, paramsOne(t))) })
	multi := mustMarshal(t, func() ([]byte, error) { return MarshalImportPayload(payloadFor(t, paramsMulti(t))) })
	one := signEnv(t, sym, "test-signer-p384")
	three := signEnv(t, multi, "test-signer-p384", "test-signer-p256", "test-signer-rsa3072")
	var compact bytes.Buffer
	err := json.Compact(&compact, one)
	require.NoError(t, err)
	env, err := ParseEnvelope(three)
	require.NoError(t, err)
	keyid := `"keyid": "` + env.Signatures[0].KeyID + `"`
	// A signature moved onto another payload: parses, does not verify.
	other := signEnv(t, multi, "test-signer-p384")
	oenv, err := ParseEnvelope(other)
	require.NoError(t, err)
	penv, err := ParseEnvelope(one)
	require.NoError(t, err)
	swapped := edit(t, one, penv.Signatures[0].Sig, oenv.Signatures[0].Sig)
	// The same signature in its high form (r, n - s): it verifies under
	// ECDSA, but R45 admits only the low form, so a bundle has one spelling.
	highS := edit(t, one, penv.Signatures[0].Sig, highForm(t, penv.Signatures[0].Sig))
	return []vector{
		{path: "envelope/invalid-ecdsa-high-s.json", data: highS,
			err: "signatures[0]: signature does not verify: ECDSA signature has s > n/2, the high form of a low-s signature (SPEC.md R45): only the low form is accepted"},
		{path: "envelope/valid-p384.json", data: one},
		{path: "envelope/valid-three-signers.json", data: three},
		{path: "envelope/invalid-signature-from-other-payload.json", data: swapped,
			err: "signatures[0]: signature does not verify"},
		{path: "envelope/invalid-compact.json", data: compact.Bytes(),
			err: "document: not in canonical form (first difference at byte 1): airwrap writes these files byte for byte; do not edit or re-format them"},
		{path: "envelope/invalid-duplicate-keyid.json", data: edit(t, three, `"keyid": "`+env.Signatures[1].KeyID+`"`, keyid),
			err: "signatures[1].keyid: same key as signatures[0]"},
		{path: "envelope/invalid-duplicate-field.json", data: edit(t, one, `"payloadType": "`, `"payloadType": "application/json",
  "payloadType": "`), err: "payloadType: duplicate key\npayloadType: \"application/json\" is not one of application/vnd.airwrap.import.v1+json"},
		{path: "envelope/invalid-case-mismatch.json", data: edit(t, one, `"payloadType"`, `"PayloadType"`),
			err: "payloadType: missing\nPayloadType: unknown field (names are case-sensitive: did you mean \"payloadType\"?)"},
		{path: "envelope/invalid-uppercase-keyid.json", data: edit(t, one, keyid, `"keyid": "`+strings.ToUpper(env.Signatures[0].KeyID)+`"`),
			err: "signatures[0].keyid: want 64 lowercase hex characters"},
		{path: "envelope/invalid-payload-type.json", data: edit(t, one, ImportPayloadType, "application/vnd.in-toto+json"),
			err: `payloadType: "application/vnd.in-toto+json" is not one of application/vnd.airwrap.import.v1+json`},
		{path: "envelope/invalid-url-base64-sig.json", data: edit(t, one, `"sig": "`, `"sig": "-_`),
			err: "signatures[0].sig: not standard padded base64 (SPEC.md R8): '-' at byte 0 of the value is not in the alphabet A-Z a-z 0-9 + / ="},
		{path: "envelope/invalid-no-signatures.json", data: []byte("{\n  \"payloadType\": \"" + ImportPayloadType + "\",\n  \"payload\": \"" + b64(sym) + "\",\n  \"signatures\": []\n}\n"),
			err: "signatures: 0 elements, want 1 to 16"},
		{path: "envelope/invalid-trailing-data.json", data: append(append([]byte{}, one...), "[]"...),
			err: "document: trailing data after the JSON value"},
		{path: "envelope/invalid-unknown-field.json", data: edit(t, one, `"payload": "`, `"note": "hi",
  "payload": "`), err: "note: unknown field"},
	}
}

// highForm turns a low-s P-384 signature (base64 DER) into its high form.
func highForm(t *testing.T, sigB64 string) string {
	t.Helper()
	sig, err := DecodeBase64("sig", sigB64)
	require.NoError(t, err)
	r, s, ok := parseECDSA(sig)
	require.True(t, ok, "not a DER ECDSA signature")
	n := elliptic.P384().Params().N
	require.LessOrEqual(t, s.Cmp(new(big.Int).Rsh(n, 1)), 0, "the signer wrote a high-s signature")
	high, err := marshalECDSA(r, new(big.Int).Sub(n, s))
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(high)
}
