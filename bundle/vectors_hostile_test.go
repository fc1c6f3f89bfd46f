package bundle

import (
	"strings"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

// hostileVectors fill gaps the format lists leave: wrong types, control
// characters and oversized fields in AWS CLI JSON, and envelopes with too
// many, too large or too deep signatures.
func hostileVectors(t *testing.T) []vector {
	pub := keys.WrappingDER(t, 2048)
	v2 := awscliJSON(arnSym, tokenSym, pub, `"2026-11-28T10:00:00Z"`)
	sym := mustMarshal(t, func() ([]byte, error) { return MarshalImportPayload(payloadFor(t, paramsOne(t))) })
	one := signEnv(t, sym, "test-signer-p384")
	env, err := ParseEnvelope(one)
	require.NoError(t, err)
	sig := `"sig": "` + env.Signatures[0].Sig + `"`
	// 17 signatures: the limit is 16 (each keyid distinct so only the count is wrong).
	var sigs []string
	for i := range 17 {
		sigs = append(sigs, "    {\n      \"keyid\": \""+SHA256Hex([]byte{byte(i)})+"\",\n      \"sig\": \""+env.Signatures[0].Sig+"\"\n    }")
	}
	many := []byte("{\n  \"payloadType\": \"" + ImportPayloadType + "\",\n  \"payload\": \"" + env.Payload + "\",\n  \"signatures\": [\n" + strings.Join(sigs, ",\n") + "\n  ]\n}\n")
	return []vector{
		{path: "awscli/invalid-keyid-number.json", data: edit(t, v2, `"KeyId": "`+arnSym+`"`, `"KeyId": 111122223333`),
			err: "KeyId: want string, got number"},
		{path: "awscli/invalid-keyid-control-character.json", data: edit(t, v2, arnSym, arnSym+`\u001b[2J`),
			err: "KeyId: contains a control or non-printable character"},
		{path: "awscli/invalid-keyid-too-long.json", data: edit(t, v2, arnSym, arnSym+strings.Repeat("a", 2049-len(arnSym))),
			err: "KeyId: longer than 2048 bytes"},
		{path: "awscli/invalid-token-too-large.json", data: edit(t, v2, b64(tokenSym), b64(make([]byte, 8193))),
			err: "ImportToken: 8193 bytes, want 1 to 8192"},
		{path: "awscli/invalid-trailing-data.json", data: append(append([]byte{}, v2...), "{}"...),
			err: "document: trailing data after the JSON value"},
		{path: "awscli/invalid-not-utf8.json", data: edit(t, v2, arnSym, arnSym+"\xff"),
			err: "document: not valid UTF-8"},
		{path: "awscli/invalid-top-level-array.json", data: []byte("[" + string(v2) + "]"),
			err: "document[0]: nested deeper than this format allows (depth 1)"},
		{path: "envelope/invalid-too-many-signatures.json", data: many,
			err: "signatures: 17 elements, want 1 to 16"},
		{path: "envelope/invalid-signature-too-large.json", data: edit(t, one, sig, `"sig": "`+b64(make([]byte, 1025))+`"`),
			err: "signatures[0].sig: 1025 bytes, want 1 to 1024"},
		{path: "envelope/invalid-too-deep.json", data: edit(t, one, sig, `"sig": {"a": [1]}`),
			err: "signatures[0].sig: nested deeper than this format allows (depth 3)"},
		{path: "envelope/invalid-payload-not-base64.json", data: edit(t, one, `"payload": "`+env.Payload+`"`, `"payload": "not base64!"`),
			err: "payload: not standard padded base64 (SPEC.md R8): ' ' at byte 3 of the value is not in the alphabet A-Z a-z 0-9 + / ="},
	}
}
