package online

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/require"
)

const delARN = "arn:aws:kms:us-east-1:111122223333:key/33333333-3333-4333-8333-333333333333"

func TestDeleteRequestValidate(t *testing.T) {
	err := DeleteRequest{KeyARNs: []string{"k", delARN, delARN}, MaterialID: "AB"}.Validate()
	require.True(t, clikit.IsUsage(err))
	for _, want := range []string{
		"--key-id k: give the key's ARN",
		"--key-id " + delARN + " given twice",
		"--key-material-id: want the 64 lowercase hex characters of a KeyMaterialId",
		"--key-material-id names material of one key: give a single --key-id",
		"--receipt is required",
		"no terminal to confirm on: pass --yes",
	} {
		require.ErrorContains(t, err, want)
	}
}

// On a terminal the operator types the key id; anything else deletes
// nothing (counted at the stand-in) and writes no receipt.
func TestDeleteNeedsTheKeyIDTyped(t *testing.T) {
	s := kmstest.NewStandIn()
	t.Cleanup(s.Close)
	for _, kv := range []string{"AWS_ACCESS_KEY_ID=" + kmstest.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + kmstest.SecretAccessKey,
		"AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_ENDPOINT_URL_KMS="} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	s.On("DescribeKey", 200, `{"KeyMetadata":{"Arn":"`+delARN+`","KeyId":"33333333-3333-4333-8333-333333333333","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","Origin":"EXTERNAL"}}`)
	s.On("DeleteImportedKeyMaterial", 200, `{"KeyId":"`+delARN+`"}`)
	client := func() (kmsimport.API, error) {
		return kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{EndpointURL: s.URL, MaxAttempts: 1})
	}
	receipt := filepath.Join(t.TempDir(), "d.json")
	var asked []string
	req := DeleteRequest{KeyARNs: []string{delARN}, ReceiptPath: receipt, Client: client,
		Ask: func(q string) (string, error) { asked = append(asked, q); return "33333333\n", nil }}
	_, err := DeleteMaterial(context.Background(), req)
	require.ErrorIs(t, err, ErrNotConfirmed)
	require.Equal(t, 0, s.Count("DeleteImportedKeyMaterial"))
	require.NoFileExists(t, receipt)
	require.Len(t, asked, 1)
	require.Contains(t, asked[0], "Type the key id 33333333-3333-4333-8333-333333333333")

	req.Ask = func(string) (string, error) { return "33333333-3333-4333-8333-333333333333\n", nil }
	var notes []string
	req.Note = func(s string) { notes = append(notes, s) }
	rc, err := DeleteMaterial(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, kmsimport.OutcomeDeleted, rc.Entries[0].Outcome)
	require.Equal(t, 1, s.Count("DeleteImportedKeyMaterial"))
	require.FileExists(t, receipt)
	require.Contains(t, strings.Join(notes, "\n"), "to restore "+delARN)
}
