package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/internal/testkit/oracle"
)

// New material for a multi-Region key through both binaries: one ceremony
// on SoftHSM wraps the same HSM key for the primary (eu-west-1,
// NEW_KEY_MATERIAL) and a replica (us-east-1, EXISTING_KEY_MATERIAL with
// key_material_id_from), each under its own Region's wrapping key (both
// unwrap, with Go's RSA-OAEP, to one material). A signed Region (key_arn),
// import_type or key_material_id_from edited after signing is refused before
// any AWS request; the bundle as signed is submitted primary first, each
// request signed for the Region of its key, and the replica's import names
// the KeyMaterialId the primary's returned. KMS is a stand-in (local-kms has
// no multi-Region keys).
func TestMultiRegionRotationBothHalves(t *testing.T) {
	const matID = "5e4d3c2b1a09f8e7d6c5b4a39281706f1f4e0d3c2b1a09f8e7d6c5b4a3928170"
	si := kmstest.NewStandIn()
	t.Cleanup(si.Close)
	arns := ceremonytest.MRKARNs("eu-west-1", "us-east-1")
	primary, replica := arns[0], arns[1]
	si.OnFunc("DescribeKey", func(body map[string]any) kmstest.Answer {
		arn := fmt.Sprint(body["KeyId"])
		role := "REPLICA"
		if arn == primary {
			role = "PRIMARY"
		}
		id := arn[strings.LastIndex(arn, "/")+1:]
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyMetadata":{"AWSAccountId":"111122223333","Arn":%q,"KeyId":%q,"KeySpec":"SYMMETRIC_DEFAULT","KeyUsage":"ENCRYPT_DECRYPT","KeyState":"Enabled","Origin":"EXTERNAL","MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":%q,"PrimaryKey":{"Arn":%q,"Region":"eu-west-1"},"ReplicaKeys":[{"Arn":%q,"Region":"us-east-1"}]}}}`,
			arn, id, role, primary, replica)}
	})
	si.OnFunc("ImportKeyMaterial", func(body map[string]any) kmstest.Answer {
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyId":%q,"KeyMaterialId":%q}`, body["KeyId"], matID)}
	})
	h := newHalves(t, "AWS_ENDPOINT_URL_KMS="+si.URL, "AWS_REGION=eu-west-1",
		"AWS_ACCESS_KEY_ID="+kmstest.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+kmstest.SecretAccessKey,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")

	m, err := ceremonytest.Params(time.Now(), ceremonytest.Entry{ARN: primary}, ceremonytest.Entry{ARN: replica})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(h.at("p.json"), m.Data, 0o644))
	h.airwrap("key", "generate", "--label", "k", "--key-spec", "SYMMETRIC_DEFAULT")
	h.airwrap("signer", "generate", "--label", "s")
	h.airwrap("signer", "export", "--label", "s", "--out", h.at("s.pem"))
	h.airwrap("wrap", "--params", h.at("p.json"), "--key", primary+"=k", "--key", replica+"=k", "--no-expiry",
		"--import-type", primary+"=NEW_KEY_MATERIAL", "--signer", "s", "--out", h.at("i.json"))

	data, err := os.ReadFile(h.at("i.json"))
	require.NoError(t, err)
	env, err := bundle.ParseEnvelope(data)
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(env.Payload)
	require.NoError(t, err)
	pl, err := bundle.ParseImportPayload(raw)
	require.NoError(t, err)
	require.Len(t, pl.Entries, 2)
	require.Equal(t, "NEW_KEY_MATERIAL", pl.Entries[0].ImportType)
	require.Equal(t, "EXISTING_KEY_MATERIAL", pl.Entries[1].ImportType)
	require.Equal(t, primary, pl.Entries[1].KeyMaterialIDFrom)
	require.Equal(t, pl.Entries[0].HSMKey, pl.Entries[1].HSMKey)
	m0 := oracle.Unwrap(t, m.Keys[0], pl.Entries[0].WrappingAlgorithm, pl.Entries[0].EncryptedKeyMaterial)
	m1 := oracle.Unwrap(t, m.Keys[1], pl.Entries[1].WrappingAlgorithm, pl.Entries[1].EncryptedKeyMaterial)
	require.Equal(t, m0, m1, "the Regions' material differs")
	require.NotEqual(t, pl.Entries[0].EncryptedKeyMaterial, pl.Entries[1].EncryptedKeyMaterial)

	// Edited after signing: refused by the signature, no AWS request.
	other := strings.Replace(replica, "us-east-1", "ap-south-1", 1)
	for name, edit := range map[string][2]string{
		"region.json":      {`"key_arn":"` + replica + `"`, `"key_arn":"` + other + `"`},
		"import-type.json": {`"import_type":"EXISTING_KEY_MATERIAL"`, `"import_type":"NEW_KEY_MATERIAL"`},
		"from.json":        {`"key_material_id_from":"` + primary + `"`, `"key_material_id_from":"` + other + `"`},
		"no-from.json":     {`,"key_material_id_from":"` + primary + `"`, ``},
	} {
		require.NoError(t, os.WriteFile(h.at(name), editPayload(t, h.at("i.json"), edit[0], edit[1]), 0o644))
		_, stderr := h.run(1, "submit", h.at(name), "--trust", h.at("s.pem"), "--params", h.at("p.json"), "--transcript", h.at("i.json.transcript.jsonl"))
		require.Contains(t, stderr, "hint: the bundle is not signed by enough of the pinned keys", name)
		require.Zero(t, si.Count(""), name)
	}

	out, _ := h.run(0, "submit", h.at("i.json"), "--trust", h.at("s.pem"), "--params", h.at("p.json"), "--receipt", h.at("r.json"))
	require.Contains(t, out, matID)
	var got []string
	for _, r := range si.Requests() {
		if r.Op == "ImportKeyMaterial" {
			got = append(got, fmt.Sprintf("%s %s %s %v", r.Region, r.Body["KeyId"], r.Body["ImportType"], r.Body["KeyMaterialId"]))
		}
	}
	require.Equal(t, []string{
		"eu-west-1 " + primary + " NEW_KEY_MATERIAL <nil>",
		"us-east-1 " + replica + " EXISTING_KEY_MATERIAL " + matID,
	}, got)
}
