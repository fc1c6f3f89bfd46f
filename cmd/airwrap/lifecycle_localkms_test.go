package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
)

// The key's life against real parts, through both binaries: import, delete
// the material (delete-material: refused without a terminal or --yes, a
// receipt never replaced), the key back in PendingImport, and the same
// SoftHSM key reimported through new parameters as EXISTING_KEY_MATERIAL
// restores it: a ciphertext made before the deletion decrypts again. A
// bundle whose signed import_type was edited is refused before any AWS
// request (requests counted at a recording proxy in front of local-kms).
func TestDeleteAndReimportLocalKMS(t *testing.T) {
	ctx := context.Background()
	srv := kmstest.Start(t)
	srv.SetEnv(t)
	tr := kmstest.NewTransport()
	proxy := kmstest.Proxy(t, srv.URL, tr)
	api, err := kmsimport.NewClient(ctx, kmsimport.ClientOptions{EndpointURL: srv.URL})
	require.NoError(t, err)
	key, err := kmsimport.CreateKey(ctx, api, kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "life test"})
	require.NoError(t, err)
	arn := key.ARN

	h := newHalves(t, "AWS_ENDPOINT_URL_KMS="+proxy)
	state := func() string {
		out, err := api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arn)})
		require.NoError(t, err)
		return string(out.KeyMetadata.KeyState)
	}

	h.airwrap("key", "generate", "--label", "k", "--key-spec", "SYMMETRIC_DEFAULT")
	h.airwrap("signer", "generate", "--label", "s")
	h.airwrap("signer", "export", "--label", "s", "--out", h.at("s.pem"))

	// First import.
	h.run(0, "prepare", "--key-id", arn, "--wrapping-algorithm", "RSAES_OAEP_SHA_1", "--wrapping-key-spec", "RSA_2048", "--out", h.at("p1.json"))
	h.airwrap("wrap", "--params", h.at("p1.json"), "--key", "k", "--no-expiry", "--signer", "s", "--out", h.at("i1.json"))
	h.run(0, "submit", h.at("i1.json"), "--trust", h.at("s.pem"), "--params", h.at("p1.json"), "--receipt", h.at("r1.json"))
	require.Equal(t, "Enabled", state())
	enc, err := api.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(arn), Plaintext: []byte("before the deletion")})
	require.NoError(t, err)

	// No terminal and no --yes: refused before any AWS request.
	tr.Reset()
	_, stderr := h.run(2, "delete-material", "--key-id", arn, "--receipt", h.at("d.json"))
	require.Contains(t, stderr, "no terminal to confirm on: pass --yes")
	require.Empty(t, tr.Requests())
	require.NoFileExists(t, h.at("d.json"))

	// --yes: described, deleted, receipt written, restoring said.
	_, stderr = h.run(0, "delete-material", "--key-id", arn, "--yes", "--receipt", h.at("d.json"))
	require.Contains(t, stderr, arn+": Enabled, current key material")
	require.Contains(t, stderr, "to restore "+arn+": `airwrap-online prepare --key-id "+arn)
	require.Contains(t, stderr, "--import-type EXISTING_KEY_MATERIAL")
	require.Equal(t, 1, tr.Count("DeleteImportedKeyMaterial"))
	require.Equal(t, "PendingImport", state())
	var rc kmsimport.DeletionReceipt
	data, err := os.ReadFile(h.at("d.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rc))
	require.Equal(t, kmsimport.DeletionReceiptType, rc.Type)
	require.Len(t, rc.Entries, 1)
	require.Equal(t, kmsimport.OutcomeDeleted, rc.Entries[0].Outcome)
	require.Equal(t, "Enabled", rc.Entries[0].StateBefore)

	// Never a second receipt over the first; nor a key with no material.
	tr.Reset()
	_, stderr = h.run(1, "delete-material", "--key-id", arn, "--yes", "--receipt", h.at("d.json"))
	require.Contains(t, stderr, "never replaces a file")
	require.Empty(t, tr.Requests())
	_, stderr = h.run(1, "delete-material", "--key-id", arn, "--yes", "--receipt", h.at("d2.json"))
	require.Contains(t, stderr, "holds no imported material to delete")
	require.Equal(t, 0, tr.Count("DeleteImportedKeyMaterial"))

	// Reimport: new parameters, the same HSM key, EXISTING_KEY_MATERIAL.
	h.run(0, "prepare", "--key-id", arn, "--wrapping-algorithm", "RSAES_OAEP_SHA_1", "--wrapping-key-spec", "RSA_2048", "--out", h.at("p2.json"))
	h.airwrap("wrap", "--params", h.at("p2.json"), "--key", "k", "--no-expiry", "--import-type", "EXISTING_KEY_MATERIAL",
		"--key-material-description", "reimport after deletion", "--signer", "s", "--out", h.at("i2.json"))

	// The signed import_type edited: refused by the signature, before any AWS request.
	tampered := editPayload(t, h.at("i2.json"), `"import_type":"EXISTING_KEY_MATERIAL"`, `"import_type":"NEW_KEY_MATERIAL"`)
	require.NoError(t, os.WriteFile(h.at("t.json"), tampered, 0o644))
	tr.Reset()
	_, stderr = h.run(1, "submit", h.at("t.json"), "--trust", h.at("s.pem"), "--params", h.at("p2.json"), "--transcript", h.at("i2.json.transcript.jsonl"))
	require.Contains(t, stderr, "hint: the bundle is not signed by enough of the pinned keys")
	require.Empty(t, tr.Requests())

	// A bundle naming a KeyMaterialId: that id, or the key's ARN (its
	// Region), edited after signing is refused the same way.
	h.airwrap("wrap", "--params", h.at("p2.json"), "--key", "k", "--no-expiry", "--import-type", "EXISTING_KEY_MATERIAL",
		"--key-material-id", strings.Repeat("ab", 32), "--signer", "s", "--out", h.at("i3.json"))
	region := strings.Split(arn, ":")[3]
	for name, edit := range map[string][2]string{
		"id.json":     {`"key_material_id":"` + strings.Repeat("ab", 32) + `"`, `"key_material_id":"` + strings.Repeat("cd", 32) + `"`},
		"region.json": {`"key_arn":"` + arn + `"`, `"key_arn":"` + strings.Replace(arn, ":"+region+":", ":eu-central-2:", 1) + `"`},
	} {
		require.NoError(t, os.WriteFile(h.at(name), editPayload(t, h.at("i3.json"), edit[0], edit[1]), 0o644))
		tr.Reset()
		_, stderr = h.run(1, "submit", h.at(name), "--trust", h.at("s.pem"), "--params", h.at("p2.json"), "--transcript", h.at("i3.json.transcript.jsonl"))
		require.Contains(t, stderr, "hint: the bundle is not signed by enough of the pinned keys", name)
		require.Empty(t, tr.Requests(), name)
	}

	out, _ := h.run(0, "submit", h.at("i2.json"), "--trust", h.at("s.pem"), "--params", h.at("p2.json"), "--receipt", h.at("r2.json"))
	require.Contains(t, out, ": imported")
	require.Equal(t, "Enabled", state())
	dec, err := api.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(arn), CiphertextBlob: enc.CiphertextBlob})
	require.NoError(t, err, "the reimported material does not decrypt what the first import encrypted")
	require.Equal(t, "before the deletion", string(dec.Plaintext))
}

// editPayload replaces old with new inside the signed payload of the import
// bundle at path, keeping the signatures: what an attacker could do.
func editPayload(t *testing.T, path, old, new string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	env, err := bundle.ParseEnvelope(data)
	require.NoError(t, err)
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	require.NoError(t, err)
	require.Contains(t, string(payload), old)
	edited := base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(payload), old, new, 1)))
	return bytes.Replace(data, []byte(env.Payload), []byte(edited), 1)
}
