package kmsimport_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/require"
)

// TestSituation: what prepare says each import will be. A symmetric key in
// PendingImport whose materials ListKeyRotations lists PENDING_IMPORT is a
// reimport (and names the KeyMaterialId to wrap for); with none listed it is
// a first import; an Enabled key says when its material expires.
func TestSituation(t *testing.T) {
	f := newFake(t)
	api := f.client(t)
	now := time.Now()
	ctx := context.Background()
	pending := kmsimport.KeyInfo{ARN: symARN, KeySpec: "SYMMETRIC_DEFAULT", State: "PendingImport"}

	f.on("ListKeyRotations", 200, fmt.Sprintf(`{"Rotations":[{"KeyId":%q,"KeyMaterialId":%q,"KeyMaterialState":"CURRENT","ImportState":"PENDING_IMPORT"}],"Truncated":false}`, symARN, matID))
	f.on("ListKeyRotations", 200, `{"Rotations":[],"Truncated":false}`)
	s, err := kmsimport.Situation(ctx, api, pending, now)
	require.NoError(t, err)
	require.Equal(t, "PendingImport, a reimport: key material "+matID+" expired or was deleted; only the same material restores it (wrap --import-type EXISTING_KEY_MATERIAL --key-material-id ID)", s)
	s, err = kmsimport.Situation(ctx, api, pending, now)
	require.NoError(t, err)
	require.Equal(t, "PendingImport, a first import: no material was ever imported", s)
	require.Equal(t, 2, f.Count("ListKeyRotations"))

	validTo := now.Add(40*24*time.Hour + time.Hour)
	enabled := kmsimport.KeyInfo{ARN: symARN, KeySpec: "SYMMETRIC_DEFAULT", State: "Enabled", ValidTo: &validTo}
	s, err = kmsimport.Situation(ctx, api, enabled, now)
	require.NoError(t, err)
	require.Contains(t, s, "Enabled, material expires "+validTo.UTC().Format(time.RFC3339)+" (40 days left): a reimport of the same material sets a new ValidTo (wrap --import-type EXISTING_KEY_MATERIAL)")
	require.Equal(t, 2, f.Count("ListKeyRotations"), "an Enabled key needs no list")
}

// TestPrepareSaysWhatEachImportIs: against local-kms, which cannot list
// materials, prepare says a PendingImport key is a first import or a
// reimport, before any parameters are fetched.
func TestPrepareSaysWhatEachImportIs(t *testing.T) {
	e := newEnv(t)
	arn := e.createKey(t)
	var progress bytes.Buffer
	_, err := kmsimport.Prepare(context.Background(), e.api, kmsimport.PrepareRequest{KeyIDs: []string{arn}, WrappingKeySpec: "RSA_2048", Rate: 1000, Progress: &progress})
	require.NoError(t, err)
	require.Contains(t, progress.String(), arn+": PendingImport: a first import, or a reimport of the same material after it expired or was deleted (this endpoint does not list key materials)\n")
	require.Equal(t, 1, e.tr.Count("ListKeyRotations"))
}
