package kmsimport_test

import (
	"context"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/require"
)

// DeleteImportedKeyMaterial with a KeyMaterialId (local-kms ignores it and
// returns none): the request carries it, and the receipt records the id KMS
// reports deleted. CheckDeletable refuses a key with no material and one of
// origin AWS_KMS, every problem at once.
func TestShapeDeleteMaterial(t *testing.T) {
	f := newFake(t)
	api := f.client(t)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", `,"CurrentKeyMaterialId":"`+matID2+`"`))
	f.on("DeleteImportedKeyMaterial", 200, `{"KeyId":"`+symARN+`","KeyMaterialId":"`+matID+`"}`)

	infos, err := kmsimport.CheckDeletable(context.Background(), api, []string{symARN})
	require.NoError(t, err)
	require.Equal(t, matID2, infos[0].CurrentKeyMaterialID)
	rc, err := kmsimport.DeleteMaterial(context.Background(), api, kmsimport.DeleteRequest{Keys: infos, MaterialID: matID})
	require.NoError(t, err)
	require.Equal(t, kmsimport.DeletionReceiptType, rc.Type)
	require.Equal(t, kmsimport.OutcomeDeleted, rc.Entries[0].Outcome)
	require.Equal(t, matID, rc.Entries[0].KeyMaterialID)
	require.Equal(t, matID, rc.Entries[0].RequestedKeyMaterialID)
	require.Equal(t, "req-DeleteImportedKeyMaterial", rc.Entries[0].RequestID)
	reqs := f.bodies("DeleteImportedKeyMaterial")
	require.Len(t, reqs, 1)
	require.Equal(t, map[string]any{"KeyId": symARN, "KeyMaterialId": matID}, reqs[0])

	g := newFake(t)
	api = g.client(t)
	g.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "PendingImport", ""))
	g.on("DescribeKey", 200, `{"KeyMetadata":{"Arn":"`+hmacARN+`","KeyId":"k","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","Origin":"AWS_KMS"}}`)
	_, err = kmsimport.CheckDeletable(context.Background(), api, []string{symARN, hmacARN})
	require.ErrorIs(t, err, kmsimport.ErrNoMaterial)
	require.ErrorIs(t, err, kmsimport.ErrKeyNotImportable)
	require.Equal(t, 0, g.Count("DeleteImportedKeyMaterial"))
}
