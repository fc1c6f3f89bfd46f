package kmsimport_test

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
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
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	st, err := kmsimport.Status(ctx, e.api, append(keys, pending), now)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if e.tr.Count("ListKeyRotations") != 3 {
		t.Fatalf("ListKeyRotations asked %d times", e.tr.Count("ListKeyRotations"))
	}
	k0, k1, kp := st[0], st[1], st[2]
	if k0.State != "Enabled" || k0.ExpirationModel != kmsrules.ExpiresModel || k0.DaysLeft == nil || *k0.DaysLeft != 29 ||
		k0.MaterialsNote != kmsimport.NoMaterialListNote || len(k0.Materials) != 1 || k0.Materials[0].ValidTo == nil {
		t.Fatalf("expiring key: %+v", k0)
	}
	if k1.ExpirationModel != kmsrules.DoesNotExpireModel || k1.DaysLeft != nil || len(k1.Materials) != 1 {
		t.Fatalf("non-expiring key: %+v", k1)
	}
	if kp.State != "PendingImport" || len(kp.Materials) != 0 {
		t.Fatalf("pending key: %+v", kp)
	}
	// The pending key holds no material: always reported.
	if got := kmsimport.ExpiringWithin(st, 31, now); len(got) != 2 || got[0].KeyARN != keys[0] || got[0].ValidTo == nil ||
		got[1].KeyARN != pending || got[1].ValidTo != nil {
		t.Fatalf("within 31 days: %+v", got)
	}
	if got := kmsimport.ExpiringWithin(st, 29, now); len(got) != 1 || got[0].KeyARN != pending {
		t.Fatalf("within 29 days: %+v", got)
	}

	res, err := kmsimport.VerifyImport(ctx, e.api, pl, rc, rand.Reader)
	if err != nil {
		t.Fatalf("VerifyImport: %v", err)
	}
	// local-kms returns no KeyMaterialId: the round trip shows usable
	// material, which is not called proof that it is this bundle's.
	for _, r := range res {
		if r.Proven || r.Verdict != kmsimport.VerdictUsable || r.Method != kmsimport.ProofRoundTrip || r.KeyMaterialIDMatch != nil {
			t.Errorf("result %+v", r)
		}
	}
	// The pending key cannot encrypt: verify-import says so.
	pl2, _ := payload(t, e.prepare(t, string(kmsrules.RSAESOAEPSHA256), pending), []byte("p"))
	if _, err := kmsimport.VerifyImport(ctx, e.api, pl2, nil, rand.Reader); !errors.Is(err, kmsimport.ErrKeyState) {
		t.Fatalf("pending key: %v, want ErrKeyState", err)
	}
}
