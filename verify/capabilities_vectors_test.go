package verify

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
)

// Capabilities vectors live in bundle/testdata/capabilities (SPEC.md 6.1).
// valid-softhsm.json is what SoftHSM 2.6.1 really measures (ceremony
// TestSoftHSMCapabilitiesVector keeps it so); every invalid vector is made
// from it here by `go test ./verify -run TestGenerateCapabilitiesVectors -update`.
const capsDir = "../bundle/testdata/capabilities"

// capsTrust is the one key the vectors are opened with: the published test
// key test-signer-p384 (never trust it outside tests).
func capsTrust(t *testing.T) []TrustedKey {
	t.Helper()
	k, err := LoadTrust(keys.PublicPEM(t, "test-signer-p384"))
	require.NoError(t, err)
	return []TrustedKey{k}
}

// TestCapabilitiesVectors opens every capabilities vector as airwrap-online
// prepare does (OpenCapabilities, test-signer-p384 pinned): valid-* open,
// each invalid-* fails with exactly its .err text.
func TestCapabilitiesVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(capsDir, "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 10, "%s: only %d vectors: regenerate with -update", capsDir, len(files))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			want := ""
			if b, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".err"); err == nil {
				want = strings.TrimSuffix(string(b), "\n")
			}
			valid := strings.HasPrefix(filepath.Base(f), "valid-")
			require.NotEqual(t, valid, want != "", "name says valid=%v but .err present=%v", valid, want != "")
			_, exports, err := OpenCapabilities(data, capsTrust(t), time.Now())
			if want == "" {
				require.NoError(t, err, "want success")
				require.NotEmpty(t, exports, "want success: no specs")
				return
			}
			require.EqualError(t, err, want, "wrong error")
			require.True(t, errors.Is(err, bundle.ErrMalformed) || errors.Is(err, ErrUntrusted) || errors.Is(err, ErrCapabilities),
				"error is none of ErrMalformed, ErrUntrusted, ErrCapabilities: %v", err)
		})
	}
}

// capsEnvelope writes an envelope in the canonical layout by hand, so that
// payloads bundle refuses to sign can be vectors too.
func capsEnvelope(t *testing.T, payloadType string, payload []byte, signers ...string) []byte {
	t.Helper()
	var sigs []string
	for _, name := range signers {
		env, err := bundle.SignEnvelope(payloadType, payload, []crypto.Signer{keys.Signer(t, name)}...)
		require.NoError(t, err)
		s := env.Signatures[0]
		sigs = append(sigs, fmt.Sprintf("    {\n      \"keyid\": %q,\n      \"sig\": %q\n    }", s.KeyID, s.Sig))
	}
	return []byte(fmt.Sprintf("{\n  \"payloadType\": %q,\n  \"payload\": %q,\n  \"signatures\": [\n%s\n  ]\n}\n",
		payloadType, base64.StdEncoding.EncodeToString(payload), strings.Join(sigs, ",\n")))
}

func TestGenerateCapabilitiesVectors(t *testing.T) {
	if !*update {
		t.Skip("vector generator: run with -update")
	}
	valid, err := os.ReadFile(filepath.Join(capsDir, "valid-softhsm.json"))
	require.NoError(t, err)
	sc, err := bundle.ParseSignedCapabilities(valid)
	require.NoError(t, err)
	payload := string(sc.Raw)
	edit := func(old, new string) []byte {
		require.Contains(t, payload, old, "payload lacks it")
		return []byte(strings.Replace(payload, old, new, 1))
	}
	signed := func(p []byte) []byte { return capsEnvelope(t, bundle.CapabilitiesPayloadType, p, "test-signer-p384") }
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, valid))
	var compactPayload bytes.Buffer
	require.NoError(t, json.Compact(&compactPayload, sc.Raw))
	sym := "\"key_spec\": \"SYMMETRIC_DEFAULT\",\n      \"can_generate\": true,\n      \"export_algorithms\": [\n        \"RSAES_OAEP_SHA_1\"\n      ]"
	rsa := "\"key_spec\": \"RSA_2048\",\n      \"can_generate\": true,\n      \"export_algorithms\": []"
	vs := []struct{ name, err string }{}
	write := func(name string, data []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(capsDir, name+".json"), data, 0o644))
		_, _, err := OpenCapabilities(data, capsTrust(t), time.Now())
		require.Error(t, err, "%s: opens", name)
		vs = append(vs, struct{ name, err string }{name, err.Error()})
	}
	// The key inventory (R51): valid-keys is valid-softhsm with one.
	withKeys := *sc.Capabilities
	withKeys.Keys = []bundle.CapabilityKey{
		{Label: "sym", ID: "01", KeySpec: "SYMMETRIC_DEFAULT", CheckValue: "8a1b3c", CheckMethod: bundle.CheckMethodAESKCV, Importable: true},
		{Label: "locked", ID: "", KeySpec: "SYMMETRIC_DEFAULT", CheckValue: "", CheckMethod: "", NotImportable: "CKA_EXTRACTABLE is false: it can never leave the HSM, not even wrapped"},
	}
	validKeys, err := bundle.SignCapabilities(&withKeys, keys.Signer(t, "test-signer-p384"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(capsDir, "valid-keys.json"), validKeys, 0o644))
	_, _, err = OpenCapabilities(validKeys, capsTrust(t), time.Now())
	require.NoError(t, err, "valid-keys")
	sk, err := bundle.ParseSignedCapabilities(validKeys)
	require.NoError(t, err)
	keysPayload := string(sk.Raw)
	editKeys := func(old, new string) []byte {
		require.Contains(t, keysPayload, old, "payload lacks it")
		return []byte(strings.Replace(keysPayload, old, new, 1))
	}
	old, _ := filepath.Glob(filepath.Join(capsDir, "invalid-*"))
	for _, f := range old {
		require.NoError(t, os.Remove(f))
	}
	// The envelope (R46) and the payload's syntax (R47).
	write("invalid-params-payload-type", capsEnvelope(t, bundle.ParamsPayloadType, sc.Raw, "test-signer-p384"))
	write("invalid-compact", compact.Bytes())
	write("invalid-payload-not-canonical", signed(compactPayload.Bytes()))
	write("invalid-payload-unknown-field", signed(edit(sym, sym+",\n      \"comment\": \"hello\"")))
	write("invalid-payload-ok-string", signed(edit(`"ok": true`, `"ok": "true"`)))
	write("invalid-payload-wrong-type", signed(edit(`"type": "airwrap/token-capabilities/v1"`, `"type": "airwrap/parameters/v1"`)))
	// Signatures (R49).
	// RSA_2048 claimed exportable, the signature left as it was.
	tampered := []byte(strings.Replace(string(valid), sc.Envelope.Payload, base64.StdEncoding.EncodeToString(edit(rsa, strings.Replace(rsa, "[]", "[\n        \"RSA_AES_KEY_WRAP_SHA_1\"\n      ]", 1))), 1))
	write("invalid-tampered", tampered)
	write("invalid-untrusted-signer", capsEnvelope(t, bundle.CapabilitiesPayloadType, sc.Raw, "test-signer-p256"))
	// Meaning (R48, R50), signed by the trusted key.
	write("invalid-export-failed-algorithm", signed(edit(sym, strings.Replace(sym, `"RSAES_OAEP_SHA_1"`, "\"RSAES_OAEP_SHA_1\",\n        \"RSAES_OAEP_SHA_256\"", 1))))
	write("invalid-export-not-allowed", signed(edit(rsa, strings.Replace(rsa, "[]", "[\n        \"RSAES_OAEP_SHA_1\"\n      ]", 1))))
	write("invalid-unknown-algorithm", signed(edit(`"algorithm": "RSAES_OAEP_SHA_1"`, `"algorithm": "RSAES_PKCS1_V1_5"`)))
	write("invalid-created-in-future", signed(edit(`"created_at": "2026-11-30T12:00:00Z"`, `"created_at": "2099-01-01T00:00:00Z"`)))
	write("invalid-missing-key-spec", signed(edit("\"key_spec\": \"RSA_4096\"", "\"key_spec\": \"RSA_3072\"")))
	// The key inventory's syntax and meaning (R51).
	write("invalid-keys-bad-hex", signed(editKeys(`"check_value": "8a1b3c"`, `"check_value": "8A1B3"`)))
	write("invalid-keys-duplicate", signed(editKeys(`"label": "locked",
      "id": ""`, `"label": "sym",
      "id": "01"`)))
	write("invalid-keys-missing-importable", signed(editKeys(`,
      "importable": true`, "")))
	for _, v := range vs {
		require.NoError(t, os.WriteFile(filepath.Join(capsDir, v.name+".err"), []byte(v.err+"\n"), 0o644))
	}
}
