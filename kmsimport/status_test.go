package kmsimport_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Against local-kms: it lacks ListKeyRotations, so status degrades to
// DescribeKey's view, and verify-import proves symmetric keys by round trip.
func TestStatusAndVerifyImportAgainstLocalKMS(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	keys, pl := e.batch(t, 2)
	pl.Entries[1].ExpirationModel, pl.Entries[1].ValidTo = kmsrules.DoesNotExpireModel, nil
	pending := e.createKey(t)
	rc, err := e.submit(t, e.api, pl)
	require.NoError(t, err)
	now := time.Now()
	e.tr.Reset()
	st, err := kmsimport.Status(ctx, e.api, append(keys, pending), now)
	require.NoError(t, err, "Status")
	require.Equal(t, 3, e.tr.Count("ListKeyRotations"), "ListKeyRotations asked %d times", e.tr.Count("ListKeyRotations"))
	k0, k1, kp := st[0], st[1], st[2]
	require.Equal(t, "Enabled", k0.State, "expiring key: %+v", k0)
	require.Equal(t, kmsrules.ExpiresModel, k0.ExpirationModel, "expiring key: %+v", k0)
	require.NotNil(t, k0.DaysLeft, "expiring key: %+v", k0)
	require.Equal(t, 29, *k0.DaysLeft, "expiring key: %+v", k0)
	require.Equal(t, kmsimport.NoMaterialListNote, k0.MaterialsNote, "expiring key: %+v", k0)
	require.Len(t, k0.Materials, 1, "expiring key: %+v", k0)
	require.NotNil(t, k0.Materials[0].ValidTo, "expiring key: %+v", k0)
	require.Equal(t, kmsrules.DoesNotExpireModel, k1.ExpirationModel, "non-expiring key: %+v", k1)
	require.Nil(t, k1.DaysLeft, "non-expiring key: %+v", k1)
	require.Len(t, k1.Materials, 1, "non-expiring key: %+v", k1)
	require.Equal(t, "PendingImport", kp.State, "pending key: %+v", kp)
	require.Empty(t, kp.Materials, "pending key: %+v", kp)
	// The pending key holds no material: always reported.
	got := kmsimport.ExpiringWithin(st, 31, now)
	require.Len(t, got, 2, "within 31 days: %+v", got)
	require.Equal(t, keys[0], got[0].KeyARN, "within 31 days: %+v", got)
	require.NotNil(t, got[0].ValidTo, "within 31 days: %+v", got)
	require.Equal(t, pending, got[1].KeyARN, "within 31 days: %+v", got)
	require.Nil(t, got[1].ValidTo, "within 31 days: %+v", got)
	got = kmsimport.ExpiringWithin(st, 29, now)
	require.Len(t, got, 1, "within 29 days: %+v", got)
	require.Equal(t, pending, got[0].KeyARN, "within 29 days: %+v", got)

	res, err := kmsimport.VerifyImport(ctx, e.api, pl, rc, rand.Reader)
	require.NoError(t, err, "VerifyImport")
	// local-kms returns no KeyMaterialId: the round trip shows usable
	// material, which is not called proof that it is this bundle's.
	for _, r := range res {
		assert.False(t, r.Proven, "result %+v", r)
		assert.Equal(t, kmsimport.VerdictUsable, r.Verdict, "result %+v", r)
		assert.Equal(t, kmsimport.ProofRoundTrip, r.Method, "result %+v", r)
		assert.Nil(t, r.KeyMaterialIDMatch, "result %+v", r)
	}
	// The pending key cannot encrypt: verify-import says so.
	pl2, _ := payload(t, e.prepare(t, string(kmsrules.RSAESOAEPSHA256), pending), []byte("p"))
	_, err = kmsimport.VerifyImport(ctx, e.api, pl2, nil, rand.Reader)
	require.ErrorIs(t, err, kmsimport.ErrKeyState, "pending key: %v, want ErrKeyState", err)
}
