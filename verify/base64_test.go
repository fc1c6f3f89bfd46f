package verify

import (
	"bytes"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// insertAt writes ins into the JSON string value that follows field in data,
// at byte at of the value.
func insertAt(t *testing.T, data []byte, field string, at int, ins string) []byte {
	t.Helper()
	i := bytes.Index(data, []byte(field))
	require.GreaterOrEqual(t, i, 0, "%q not found", field)
	j := i + len(field) + at
	return []byte(string(data[:j]) + ins + string(data[j:]))
}

// What `airwrap verify` and `submit` do with a file: parse it, then verify
// it against pinned keys. The two characters \n written into the payload
// string of a valid signed bundle made a second file for the same signed
// statement, accepted by both (SPEC.md R8, issue 9 item 3).
func TestLineBreakInBase64IsRefused(t *testing.T) {
	valid := readVector(t, "envelope/valid-p384.json")
	trusted := []TrustedKey{trustOf(t, "test-signer-p384")}
	env, err := bundle.ParseEnvelope(valid)
	require.NoError(t, err)
	_, _, err = VerifyEnvelope(env, trusted, 1)
	require.NoError(t, err, "the valid vector does not verify")
	for _, c := range []struct{ field, ins, path string }{
		{`"payload": "`, `\n`, "payload"},
		{`"payload": "`, `\r\n`, "payload"},
		{`"payload": "`, `\u000a`, "payload"},
		{`"sig": "`, `\n`, "signatures[0].sig"},
	} {
		edited := insertAt(t, valid, c.field, 76, c.ins)
		env, err := bundle.ParseEnvelope(edited)
		if err == nil {
			_, _, verr := VerifyEnvelope(env, trusted, 1)
			t.Errorf("%s in %s: parsed (verify: %v); a second file for one statement", c.ins, c.path, verr)
			continue
		}
		var fe *bundle.FieldError
		if assert.ErrorAs(t, err, &fe, "%s in %s: want a %s error citing SPEC.md R8, got %v", c.ins, c.path, c.path, err) {
			assert.Equal(t, c.path, fe.Path, "%s in %s: want a %s error citing SPEC.md R8, got %v", c.ins, c.path, c.path, err)
			assert.Contains(t, fe.Msg, "SPEC.md R8", "%s in %s: want a %s error citing SPEC.md R8, got %v", c.ins, c.path, c.path, err)
		}
	}
}

// VerifyEnvelope decodes with the same rule, whoever built the envelope.
func TestVerifyEnvelopeRefusesLineBreaks(t *testing.T) {
	trusted := []TrustedKey{trustOf(t, "test-signer-p384")}
	fresh := func() *bundle.Envelope {
		env, err := bundle.ParseEnvelope(readVector(t, "envelope/valid-p384.json"))
		require.NoError(t, err)
		return env
	}
	env := fresh()
	env.Payload = env.Payload[:76] + "\n" + env.Payload[76:]
	_, _, err := VerifyEnvelope(env, trusted, 1)
	want := `payload: not standard padded base64 (SPEC.md R8): a line break '\n' at byte 76 of the value`
	if assert.Error(t, err, "line break in the payload:\n got %v\nwant %s", err, want) {
		assert.Equal(t, want, err.Error(), "line break in the payload:\n got %v\nwant %s", err, want)
		assert.ErrorIs(t, err, bundle.ErrMalformed, "line break in the payload:\n got %v\nwant %s", err, want)
	}

	env = fresh()
	env.Signatures[0].Sig = env.Signatures[0].Sig[:64] + "\r\n" + env.Signatures[0].Sig[64:]
	_, _, err = VerifyEnvelope(env, trusted, 1)
	if assert.ErrorIs(t, err, ErrUntrusted, "line break in the signature: got %v, want the signature not to count", err) {
		assert.Contains(t, err.Error(), "signatures[0] by trusted key", "line break in the signature: got %v, want the signature not to count", err)
	}

	sp, err := bundle.ParseSignedParams(readVector(t, "signedparams/valid-p384.json"))
	require.NoError(t, err)
	sp.Envelope.Payload = sp.Envelope.Payload[:76] + "\r\n" + sp.Envelope.Payload[76:]
	_, _, err = VerifySignedParams(sp.Envelope, trusted, 1)
	if assert.Error(t, err, "line break in signed parameters: got %v", err) {
		assert.True(t, strings.HasPrefix(err.Error(), "payload: not standard padded base64 (SPEC.md R8): a line break '\\r'"), "line break in signed parameters: got %v", err)
	}
}
