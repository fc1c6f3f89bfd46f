package bundle

import (
	"bytes"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

// r8 is the start of every base64 error (SPEC.md R8).
const r8 = "not standard padded base64 (SPEC.md R8): "

// canonicalAt is the canonical-form error (R15) at byte i.
func canonicalAt(i int) string {
	return "document: not in canonical form (first difference at byte " + itoa(i) + "): airwrap writes these files byte for byte; do not edit or re-format them"
}

// valueAt is the offset in s of byte at of the JSON string that follows
// field (`"payload": "`), failing if field is absent.
func valueAt(t *testing.T, s []byte, field string, at int) int {
	t.Helper()
	i := bytes.Index(s, []byte(field))
	require.GreaterOrEqual(t, i, 0, "valueAt: %q not found", field)
	return i + len(field) + at
}

// insertIn writes ins (JSON text, e.g. the two characters \n) at byte at of
// the string value that follows field.
func insertIn(t *testing.T, s []byte, field string, at int, ins string) []byte {
	t.Helper()
	j := valueAt(t, s, field, at)
	return []byte(string(s[:j]) + ins + string(s[j:]))
}

// escapeIn writes the character at byte at of the value that follows field
// as the JSON escape esc (which must decode to that same character).
func escapeIn(t *testing.T, s []byte, field string, at int, esc string) []byte {
	t.Helper()
	j := valueAt(t, s, field, at)
	return []byte(string(s[:j]) + esc + string(s[j+1:]))
}

// base64Vectors: line breaks, spaces and JSON escapes inside base64 fields
// (SPEC.md R8, R15). Go's decoder skips CR and LF even in strict mode, so
// each line-break vector was accepted before DecodeBase64: one signed
// statement, many files.
func base64Vectors(t *testing.T) []vector {
	one := mustMarshal(t, func() ([]byte, error) { return MarshalParams(paramsOne(t)) })
	pub := keys.WrappingDER(t, 2048)
	v2 := awscliJSON(arnSym, tokenSym, pub, `"2026-11-28T10:00:00Z"`)
	sym := mustMarshal(t, func() ([]byte, error) { return MarshalImportPayload(payloadFor(t, paramsOne(t))) })
	env := signEnv(t, sym, "test-signer-p384")

	// Signed parameters whose payload is a parameters bundle with a line
	// break in public_key, signed for real (SignParams would refuse it).
	badParams := insertIn(t, one, `"public_key": "`, 64, `\r\n`)
	se, err := SignEnvelope(ParamsPayloadType, badParams, keys.Signer(t, "test-signer-p384"))
	require.NoError(t, err)
	signedBad := mustMarshal(t, func() ([]byte, error) { return encodeEnvelope(se) })
	signed := signParamsFile(t, one, "test-signer-p384")

	slash := strings.IndexByte(b64(tokenSym), '/')
	require.GreaterOrEqual(t, slash, 0, "the test import token has no '/' in base64")
	const pk, tok = `"public_key": "`, `"import_token": "`
	return []vector{
		// Parameters bundle: not canonical (R13), so R8 alone keeps one value one spelling.
		{path: "params/invalid-public-key-crlf.json", data: insertIn(t, one, pk, 64, `\r\n`),
			err: `entries[0].public_key: ` + r8 + `a line break '\r' at byte 64 of the value`},
		{path: "params/invalid-import-token-lf.json", data: insertIn(t, one, tok, 76, `\n`),
			err: `entries[0].import_token: ` + r8 + `a line break '\n' at byte 76 of the value`},
		{path: "params/invalid-import-token-lf-unicode-escape.json", data: insertIn(t, one, tok, 76, `\u000a`),
			err: `entries[0].import_token: ` + r8 + `a line break '\n' at byte 76 of the value`},
		{path: "params/invalid-public-key-space.json", data: insertIn(t, one, pk, 4, ` `),
			err: `entries[0].public_key: ` + r8 + `' ' at byte 4 of the value is not in the alphabet A-Z a-z 0-9 + / =`},
		{path: "params/invalid-public-key-tab.json", data: insertIn(t, one, pk, 4, `\t`),
			err: `entries[0].public_key: ` + r8 + `'\t' at byte 4 of the value is not in the alphabet A-Z a-z 0-9 + / =`},
		// A JSON escape of an alphabet character is JSON's business: the
		// value is the same, and the file is bound as read (R13).
		{path: "params/valid-escaped-slash-in-token.json", data: escapeIn(t, one, tok, slash, `\/`)},

		// AWS CLI JSON: another program's output, read by R8 alike.
		{path: "awscli/invalid-public-key-crlf.json", data: insertIn(t, v2, `"PublicKey": "`, 64, `\r\n`),
			err: `PublicKey: ` + r8 + `a line break '\r' at byte 64 of the value`},
		{path: "awscli/invalid-import-token-lf.json", data: insertIn(t, v2, `"ImportToken": "`, 76, `\n`),
			err: `ImportToken: ` + r8 + `a line break '\n' at byte 76 of the value`},

		// Import bundle envelope: the exact reproduction of the line-break
		// malleability, and escapes the canonical check refuses.
		{path: "envelope/invalid-payload-lf.json", data: insertIn(t, env, `"payload": "`, 76, `\n`),
			err: `payload: ` + r8 + `a line break '\n' at byte 76 of the value`},
		{path: "envelope/invalid-payload-crlf-unicode-escape.json", data: insertIn(t, env, `"payload": "`, 76, `\u000d\u000a`),
			err: `payload: ` + r8 + `a line break '\r' at byte 76 of the value`},
		{path: "envelope/invalid-payload-trailing-lf.json", data: edit(t, env, `",
  "signatures"`, `\n",
  "signatures"`),
			err: `payload: ` + r8 + `a line break '\n' at byte ` + itoa(len(mustEnv(t, env).Payload)) + ` of the value`},
		{path: "envelope/invalid-payload-escaped-letter.json", data: escapeIn(t, env, `"payload": "`, 0, `\u0065`),
			err: canonicalAt(valueAt(t, env, `"payload": "`, 0))},
		{path: "envelope/invalid-sig-lf.json", data: insertIn(t, env, `"sig": "`, 64, `\n`),
			err: `signatures[0].sig: ` + r8 + `a line break '\n' at byte 64 of the value`},
		{path: "envelope/invalid-sig-escaped-letter.json", data: escapeIn(t, env, `"sig": "`, 0, `\u004d`),
			err: canonicalAt(valueAt(t, env, `"sig": "`, 0))},

		// Import payload: base64 fields inside the signed statement.
		{path: "payload/invalid-token-lf.json", data: insertIn(t, sym, `"import_token":"`, 76, `\n`),
			err: `entries[0].import_token: ` + r8 + `a line break '\n' at byte 76 of the value`},
		{path: "payload/invalid-material-crlf.json", data: insertIn(t, sym, `"encrypted_key_material":"`, 64, `\r\n`),
			err: `entries[0].encrypted_key_material: ` + r8 + `a line break '\r' at byte 64 of the value`},
		{path: "payload/invalid-token-escaped-slash.json", data: escapeIn(t, sym, `"import_token":"`, slash, `\/`),
			err: canonicalAt(valueAt(t, sym, `"import_token":"`, slash))},

		// Signed parameters: the envelope payload, and base64 inside the
		// signed parameters bundle.
		{path: "signedparams/invalid-payload-lf.json", data: insertIn(t, signed, `"payload": "`, 76, `\n`),
			err: `payload: ` + r8 + `a line break '\n' at byte 76 of the value`},
		{path: "signedparams/invalid-payload-public-key-crlf.json", data: signedBad,
			err: `payload.entries[0].public_key: ` + r8 + `a line break '\r' at byte 64 of the value`},
	}
}

func mustEnv(t *testing.T, data []byte) *Envelope {
	t.Helper()
	env, err := ParseEnvelope(data)
	require.NoError(t, err)
	return env
}
