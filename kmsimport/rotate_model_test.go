package kmsimport_test

// submit --rotate against the stateful KMS model (kmstest.Model): real
// material, really unwrapped, material states moved as KMS documents, and
// RotateKeyOnDemand's 5/s quota enforced (a sixth request within a second is
// throttled). The SDK's retries are off, so only pacing keeps a batch of
// seven rotations inside the quota.

import (
	"context"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

func TestSubmitRotateAgainstModel(t *testing.T) {
	m, api := modelClient(t, kmstest.Region)
	ctx := context.Background()
	const n = 7
	keys, prepare := symmetricKeys(t, api, n, "rotation test")
	// The first material: a first import into PendingImport keys.
	first, _ := payload(t, prepare(), []byte("p1"))
	rc, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: first, BundleSHA256: "t1"})
	require.NoError(t, err)
	var firstIDs []string
	for _, e := range rc.Entries {
		firstIDs = append(firstIDs, e.KeyMaterialID)
	}

	// New material, imported and rotated in one run, paced just under the
	// quota: at exactly 5/s a first request that reaches the model a few
	// milliseconds later than the sixth would put six in its one-second
	// window (real KMS would throttle too, and the SDK's retries absorb it;
	// here retries are off, so only pacing keeps the batch inside).
	second, _ := payload(t, prepare(), []byte("p2"))
	for i := range second.Entries {
		second.Entries[i].ImportType, second.Entries[i].KeyMaterialDescription = bundle.ImportNew, "rotation test 2"
	}
	start := time.Now()
	rc, err = kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: second, BundleSHA256: "t2", Rate: 1000, Rotate: true, RotateRate: 4.8})
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(start), time.Duration(n-1)*time.Second/5, "7 rotations at under 5/s")
	for i, e := range rc.Entries {
		require.Equal(t, kmsimport.OutcomeImported, e.Outcome, "entries[%d]", i)
		require.NotNil(t, e.Rotation, "entries[%d]", i)
		require.Equal(t, kmsimport.OutcomeRotated, e.Rotation.Outcome, "entries[%d]: %+v", i, e.Rotation)
		require.Equal(t, e.KeyMaterialID, e.Rotation.CurrentKeyMaterialID, "entries[%d]: the material imported is CURRENT", i)
	}
	for _, q := range m.Requests() {
		require.Empty(t, q.Error, "%s answered %s", q.Op, q.Error)
	}

	// status: the new material CURRENT, the first NON_CURRENT, for every key.
	st, err := kmsimport.Status(ctx, api, keys, time.Now())
	require.NoError(t, err)
	for i, k := range st {
		states := map[string]string{}
		for _, mt := range k.Materials {
			states[mt.KeyMaterialID] = mt.State
		}
		require.Equal(t, map[string]string{rc.Entries[i].KeyMaterialID: "CURRENT", firstIDs[i]: "NON_CURRENT"}, states, "keys[%d]", i)
	}

	// Nothing is PENDING_ROTATION now: rotate refuses before any request.
	before := len(m.Requests())
	_, err = kmsimport.CheckRotatable(ctx, api, keys[:1], time.Now())
	require.ErrorIs(t, err, kmsimport.ErrNoPendingRotation)
	for _, q := range m.Requests()[before:] {
		require.NotEqual(t, "RotateKeyOnDemand", q.Op)
	}
}

// TestSubmitRotateMultiRegionAgainstModel: new material into a multi-Region
// primary and, as EXISTING_KEY_MATERIAL with the primary's KeyMaterialId,
// into its replica, then the primary rotated (the replica with it). Without
// the replica's share, KMS holds the material PENDING_MULTI_REGION_IMPORT_AND_ROTATION
// and the rotation is refused before RotateKeyOnDemand, saying why.
func TestSubmitRotateMultiRegionAgainstModel(t *testing.T) {
	m, api := modelClient(t, "us-east-1")
	ctx := context.Background()
	p, err := kmsimport.Prepare(ctx, api, kmsimport.PrepareRequest{
		Create:            &kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "mrk rotation", MultiRegion: true, ReplicaRegions: []string{"eu-west-1"}},
		WrappingAlgorithm: string(kmsrules.RSAESOAEPSHA256), WrappingKeySpec: "RSA_2048", Rate: 1000, ReplicaPoll: time.Millisecond, ToolVersion: "test",
	})
	require.NoError(t, err)
	require.Len(t, p.Entries, 2)
	primary, replica := p.Entries[0].KeyARN, p.Entries[1].KeyARN
	require.Equal(t, "PRIMARY", p.Entries[0].MultiRegionRole)
	refresh := func() *bundle.Params {
		p, err := kmsimport.Prepare(ctx, api, kmsimport.PrepareRequest{KeyIDs: []string{primary, replica}, WrappingAlgorithm: string(kmsrules.RSAESOAEPSHA256), WrappingKeySpec: "RSA_2048", Rate: 1000, ToolVersion: "test"})
		require.NoError(t, err)
		return p
	}
	ceremony := func(p *bundle.Params, material []byte, rotation bool) *bundle.ImportPayload {
		return mrkCeremony(t, p, material, rotation, primary)
	}
	_, err = kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: ceremony(p, []byte("0123456789abcdef0123456789abcdef"), false)})
	require.NoError(t, err)

	// The primary alone: the material waits for the replica, no rotation sent.
	pl := ceremony(refresh(), []byte("fedcba9876543210fedcba9876543210"), true)
	alone := &bundle.ImportPayload{Entries: pl.Entries[:1]}
	rc, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: alone, Rotate: true})
	require.ErrorIs(t, err, kmsimport.ErrReplicaNotReady)
	require.Equal(t, kmsimport.OutcomeImported, rc.Entries[0].Outcome)
	newID := rc.Entries[0].KeyMaterialID
	for _, q := range m.Requests() {
		require.NotEqual(t, "RotateKeyOnDemand", q.Op)
	}

	// Then the replica's share (the same material, EXISTING with newID) and
	// the rotation of the primary, as `airwrap-online rotate` does it.
	share := ceremony(refresh(), []byte("fedcba9876543210fedcba9876543210"), true).Entries[1]
	share.KeyMaterialIDFrom, share.KeyMaterialID = "", newID
	_, err = kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{share}}})
	require.NoError(t, err)
	_, err = kmsimport.CheckRotatable(ctx, api, []string{replica}, time.Now())
	require.ErrorIs(t, err, kmsimport.ErrReplicaRotation)
	keys, err := kmsimport.CheckRotatable(ctx, api, []string{primary}, time.Now())
	require.NoError(t, err)
	rots, err := kmsimport.RotateKeys(ctx, api, keys, kmsimport.RotateKeysRequest{})
	require.NoError(t, err)
	require.Equal(t, newID, rots[0].CurrentKeyMaterialID)
	st, err := kmsimport.Status(ctx, api, []string{replica}, time.Now())
	require.NoError(t, err)
	require.Equal(t, newID, st[0].CurrentKeyMaterialID, "the replica rotated with its primary")
}

// mrkCeremony is one ceremony over a multi-Region key's parameters: one
// material, wrapped once per Region. For a rotation the primary's entry is
// NEW_KEY_MATERIAL and each replica's EXISTING_KEY_MATERIAL with
// key_material_id_from the primary (SPEC.md R52), as airwrap wrap makes them.
func mrkCeremony(t *testing.T, p *bundle.Params, material []byte, rotation bool, primary string) *bundle.ImportPayload {
	t.Helper()
	pl, _ := payload(t, p, []byte("p"))
	for i, pe := range p.Entries {
		pl.Entries[i] = wrap(t, pe, material, "")
		if rotation && pe.MultiRegionRole == "PRIMARY" {
			pl.Entries[i].ImportType = bundle.ImportNew
		} else if rotation {
			pl.Entries[i].ImportType, pl.Entries[i].KeyMaterialIDFrom = bundle.ImportExisting, primary
		}
	}
	return pl
}

// symmetricKeys creates n SYMMETRIC_DEFAULT keys of origin EXTERNAL and
// returns them with a prepare that fetches fresh parameters for all of them.
func symmetricKeys(t *testing.T, api kmsimport.API, n int, description string) ([]string, func() *bundle.Params) {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for range n {
		info, err := kmsimport.CreateKey(ctx, api, kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: description})
		require.NoError(t, err)
		keys = append(keys, info.ARN)
	}
	return keys, func() *bundle.Params {
		p, err := kmsimport.Prepare(ctx, api, kmsimport.PrepareRequest{KeyIDs: keys, WrappingAlgorithm: string(kmsrules.RSAESOAEPSHA256), WrappingKeySpec: "RSA_2048", Rate: 1000, ToolVersion: "test"})
		require.NoError(t, err)
		return p
	}
}
