package kmsimport_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

// rotationPayload: new material for a multi-Region key, the replicas first
// in the bundle: eu-west-1 and ap-southeast-2 take the primary's (us-east-1)
// material as EXISTING_KEY_MATERIAL with the KeyMaterialId its import returns.
func rotationPayload() *bundle.ImportPayload {
	var es []bundle.ImportEntry
	for _, r := range []string{"eu-west-1", "us-east-1", "ap-southeast-2"} {
		e := shapeEntry(mrkARN(r), "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
		e.ImportType = kmsrules.ImportExisting
		e.KeyMaterialIDFrom = mrkARN("us-east-1")
		if r == "us-east-1" {
			e.ImportType, e.KeyMaterialIDFrom = kmsrules.ImportNew, ""
		}
		es = append(es, e)
	}
	return &bundle.ImportPayload{Entries: es}
}

func describeMRK(f *fakeKMS, state string) {
	f.OnFunc("DescribeKey", func(body map[string]any) kmstest.Answer {
		arn := fmt.Sprint(body["KeyId"])
		return kmstest.Answer{Status: 200, Body: `{"KeyMetadata":` + mrkMetadata(regionOfARN(arn), state, "eu-west-1", "ap-southeast-2") + `}`}
	})
}

// submit imports into the primary first, then each replica in bundle order,
// each in its own Region; a replica's import names the KeyMaterialId the
// primary's import returned.
func TestSubmitPrimaryFirstThenReplicasWithItsMaterialID(t *testing.T) {
	f := newFake(t)
	describeMRK(f, "Enabled")
	f.OnFunc("ImportKeyMaterial", func(body map[string]any) kmstest.Answer {
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyId":%q,"KeyMaterialId":%q}`, body["KeyId"], matID)}
	})
	rc, err := kmsimport.Submit(context.Background(), f.client(t), kmsimport.SubmitRequest{Payload: rotationPayload()})
	require.NoError(t, err)
	var got []string
	for _, r := range f.Requests() {
		if r.Op == "ImportKeyMaterial" {
			got = append(got, fmt.Sprintf("%s %s %s %v", r.Region, r.Body["KeyId"], r.Body["ImportType"], r.Body["KeyMaterialId"]))
		}
	}
	require.Equal(t, []string{
		"us-east-1 " + mrkARN("us-east-1") + " NEW_KEY_MATERIAL <nil>",
		"eu-west-1 " + mrkARN("eu-west-1") + " EXISTING_KEY_MATERIAL " + matID,
		"ap-southeast-2 " + mrkARN("ap-southeast-2") + " EXISTING_KEY_MATERIAL " + matID,
	}, got)
	require.Equal(t, []string{"imported", "imported", "imported"}, outcomes(rc))
	// The primary's note names itself; a replica's names the primary: KMS
	// refuses to rotate a replica.
	for i, e := range rotationPayload().Entries {
		if e.KeyMaterialIDFrom == "" {
			require.Equal(t, kmsimport.PendingRotationNote(e.KeyARN), rc.Entries[i].Note)
		} else {
			require.Equal(t, kmsimport.ReplicaPendingRotationNote(e.KeyMaterialIDFrom), rc.Entries[i].Note)
			require.Contains(t, rc.Entries[i].Note, "rotate --key-id "+e.KeyMaterialIDFrom)
		}
	}
	for i, re := range rc.Entries { // the receipt keeps the bundle's order
		require.Equal(t, rotationPayload().Entries[i].KeyARN, re.KeyARN)
		require.Equal(t, matID, re.KeyMaterialID)
	}
}

// The primary's import fails: no replica is attempted (its KeyMaterialId
// is unknown), each says why, and submit fails.
func TestSubmitReplicaNotAttemptedWhenPrimaryFails(t *testing.T) {
	f := newFake(t)
	describeMRK(f, "Enabled")
	f.on("ImportKeyMaterial", 400, `{"__type":"IncorrectKeyMaterialException","message":"wrong"}`)
	rc, err := kmsimport.Submit(context.Background(), f.client(t), kmsimport.SubmitRequest{Payload: rotationPayload()})
	require.ErrorIs(t, err, kmsimport.ErrPrimaryNotImported)
	require.ErrorContains(t, err, "entries[0]: the primary's import did not succeed, so the KeyMaterialId for this replica is unknown: the import into "+mrkARN("us-east-1")+" is failed")
	require.Equal(t, []string{"not-attempted", "failed", "not-attempted"}, outcomes(rc))
	require.Equal(t, 1, f.Count("ImportKeyMaterial"))
}

// A key_material_id_from whose entry KMS does not call the primary (or on
// a key that is no replica) is refused before any import.
func TestSubmitRefusesMaterialIDFromAgainstKMSRoles(t *testing.T) {
	f := newFake(t)
	describeMRK(f, "Enabled")
	pl := rotationPayload()
	pl.Entries[0].KeyMaterialIDFrom = mrkARN("ap-southeast-2")
	_, err := kmsimport.Submit(context.Background(), f.client(t), kmsimport.SubmitRequest{Payload: pl})
	require.ErrorIs(t, err, kmsimport.ErrNothingImported)
	require.ErrorContains(t, err, `entries[0].key_material_id_from: KMS key does not match the bundle: KMS says `+mrkARN("ap-southeast-2")+` is "REPLICA", not the multi-Region PRIMARY`)
	require.Zero(t, f.Count("ImportKeyMaterial"))
}

// A first import into a multi-Region key (no import type): the primary
// first, as DescribeKey names the roles, whatever the bundle's order.
func TestSubmitFirstImportPrimaryFirst(t *testing.T) {
	f := newFake(t)
	describeMRK(f, "PendingImport")
	f.OnFunc("ImportKeyMaterial", func(body map[string]any) kmstest.Answer {
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyId":%q}`, body["KeyId"])}
	})
	var es []bundle.ImportEntry
	for _, r := range []string{"eu-west-1", "ap-southeast-2", "us-east-1"} {
		es = append(es, shapeEntry(mrkARN(r), "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256)))
	}
	rc, err := kmsimport.Submit(context.Background(), f.client(t), kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: es}})
	require.NoError(t, err)
	var got []string
	for _, b := range f.bodies("ImportKeyMaterial") {
		got = append(got, fmt.Sprint(b["KeyId"]))
	}
	require.Equal(t, []string{mrkARN("us-east-1"), mrkARN("eu-west-1"), mrkARN("ap-southeast-2")}, got)
	require.Equal(t, []string{"imported", "imported", "imported"}, outcomes(rc))
}
