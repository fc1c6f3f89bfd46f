package kmsimport_test

import (
	"context"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

// local-kms ignores ImportType and returns no KeyMaterialId, so what submit
// sends for a reimport into a chosen material, and for new material, is
// proven here against the stand-in: the request as the SDK serialized it.
func TestShapeReimportSendsKeyMaterialID(t *testing.T) {
	f := newFake(t)
	api := f.client(t)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "PendingImport", ""))
	f.on("ImportKeyMaterial", 200, `{"KeyId":"`+symARN+`","KeyMaterialId":"`+matID+`"}`)

	e := shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
	e.ImportType, e.KeyMaterialID, e.KeyMaterialDescription = bundle.ImportExisting, matID, "yearly reimport 2027"
	rc, err := kmsimport.Submit(context.Background(), api, kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{e}}})
	require.NoError(t, err)
	require.Equal(t, kmsimport.OutcomeImported, rc.Entries[0].Outcome)
	require.Equal(t, matID, rc.Entries[0].KeyMaterialID, "the receipt records the KeyMaterialId KMS returned")
	require.Empty(t, rc.Entries[0].Note)

	reqs := f.bodies("ImportKeyMaterial")
	require.Len(t, reqs, 1)
	require.Equal(t, "EXISTING_KEY_MATERIAL", reqs[0]["ImportType"])
	require.Equal(t, matID, reqs[0]["KeyMaterialId"])
	require.Equal(t, "yearly reimport 2027", reqs[0]["KeyMaterialDescription"])
}

func TestShapeNewMaterialIsPendingRotation(t *testing.T) {
	f := newFake(t)
	api := f.client(t)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", `,"CurrentKeyMaterialId":"`+matID+`"`))
	f.on("ImportKeyMaterial", 200, `{"KeyId":"`+symARN+`","KeyMaterialId":"`+matID2+`"}`)

	e := shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
	e.ImportType, e.KeyMaterialDescription = bundle.ImportNew, "payments 2028"
	rc, err := kmsimport.Submit(context.Background(), api, kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{e}}})
	require.NoError(t, err)
	require.Equal(t, matID2, rc.Entries[0].KeyMaterialID)
	require.Equal(t, kmsimport.PendingRotationNote(symARN), rc.Entries[0].Note)
	reqs := f.bodies("ImportKeyMaterial")
	require.Len(t, reqs, 1)
	require.Equal(t, "NEW_KEY_MATERIAL", reqs[0]["ImportType"])
	require.NotContains(t, reqs[0], "KeyMaterialId")
	require.Equal(t, "payments 2028", reqs[0]["KeyMaterialDescription"])
}

func TestShapeDryRunNewMaterialNote(t *testing.T) {
	f := newFake(t)
	api := f.client(t)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", `,"CurrentKeyMaterialId":"`+matID+`"`))
	e := shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
	e.ImportType = bundle.ImportNew
	rc, err := kmsimport.Submit(context.Background(), api, kmsimport.SubmitRequest{DryRun: true, Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{e}}})
	require.NoError(t, err)
	require.Equal(t, kmsimport.OutcomeWouldImport, rc.Entries[0].Outcome)
	require.Contains(t, rc.Entries[0].Note, "PENDING_ROTATION until RotateKeyOnDemand")
	require.Equal(t, 0, f.Count("ImportKeyMaterial"))
}
