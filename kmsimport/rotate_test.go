package kmsimport_test

// submit --rotate and airwrap-online rotate against the stand-in: local-kms
// has no ListKeyRotations or RotateKeyOnDemand (501). Each key's materials
// are answered from a small table that RotateKeyOnDemand updates as KMS
// documents it: the PENDING_ROTATION material becomes CURRENT, the CURRENT
// one NON_CURRENT.

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

const (
	mrkPrimary = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
	mrkReplica = "arn:aws:kms:eu-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
	sym2ARN    = "arn:aws:kms:eu-west-2:111122223333:key/44444444-4444-4444-8444-444444444444"
	matID3     = "bbbb0d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170"
)

// rotKMS answers DescribeKey, ImportKeyMaterial, ListKeyRotations and
// RotateKeyOnDemand per key ARN.
type rotKMS struct {
	*fakeKMS
	mu       sync.Mutex
	describe map[string]string            // ARN: DescribeKey body
	newID    map[string]string            // ARN: KeyMaterialId an import of NEW material returns
	mats     map[string]map[string]string // ARN: KeyMaterialId: state
	rotated  []time.Time
}

func newRotKMS(t *testing.T) *rotKMS {
	r := &rotKMS{fakeKMS: newFake(t), describe: map[string]string{}, newID: map[string]string{}, mats: map[string]map[string]string{}}
	arnOf := func(body map[string]any) string { s, _ := body["KeyId"].(string); return s }
	r.OnFunc("DescribeKey", func(body map[string]any) kmstest.Answer {
		r.mu.Lock()
		defer r.mu.Unlock()
		return kmstest.Answer{Status: 200, Body: r.describe[arnOf(body)]}
	})
	r.OnFunc("ImportKeyMaterial", func(body map[string]any) kmstest.Answer {
		r.mu.Lock()
		defer r.mu.Unlock()
		arn := arnOf(body)
		id := r.newID[arn]
		if id == "" {
			return kmstest.Answer{Status: 400, Body: `{"__type":"IncorrectKeyMaterialException","message":"stand-in"}`}
		}
		r.mats[arn][id] = "PENDING_ROTATION"
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyId":%q,"KeyMaterialId":%q}`, arn, id)}
	})
	r.OnFunc("ListKeyRotations", func(body map[string]any) kmstest.Answer {
		r.mu.Lock()
		defer r.mu.Unlock()
		var rots []map[string]any
		for id, st := range r.mats[arnOf(body)] {
			rots = append(rots, map[string]any{"KeyId": arnOf(body), "KeyMaterialId": id, "KeyMaterialState": st, "ImportState": "IMPORTED", "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})
		}
		b, _ := json.Marshal(map[string]any{"Rotations": rots, "Truncated": false})
		return kmstest.Answer{Status: 200, Body: string(b)}
	})
	r.OnFunc("RotateKeyOnDemand", func(body map[string]any) kmstest.Answer {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.rotated = append(r.rotated, time.Now())
		arn := arnOf(body)
		for id, st := range r.mats[arn] {
			switch st {
			case "CURRENT":
				r.mats[arn][id] = "NON_CURRENT"
			case "PENDING_ROTATION":
				r.mats[arn][id] = "CURRENT"
			}
		}
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyId":%q}`, arn)}
	})
	return r
}

// key adds an Enabled symmetric key holding current material cur; an
// import of NEW material into it returns next. role is "", PRIMARY or REPLICA.
func (r *rotKMS) key(arn, role, cur, next string) {
	extra := `,"CurrentKeyMaterialId":"` + cur + `"`
	desc := describeJSON(arn, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", extra)
	if role != "" {
		desc = desc[:len(desc)-2] + `,"MultiRegionConfiguration":{"MultiRegionKeyType":"` + role + `"}}}`
	}
	r.describe[arn], r.newID[arn] = desc, next
	r.mats[arn] = map[string]string{cur: "CURRENT"}
}

func newEntry(arn string) bundle.ImportEntry {
	e := shapeEntry(arn, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
	e.ImportType, e.KeyMaterialDescription = bundle.ImportNew, "rotation 2027"
	return e
}

// ops lists the requests as "Op@Region".
func ops(s *kmstest.StandIn) []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Op+"@"+r.Region)
	}
	return out
}

// TestSubmitRotateAfterEveryImport: with Rotate, every import of the batch
// comes first; then each NEW entry's key is rotated in its own Region, after
// ListKeyRotations shows the material imported PENDING_ROTATION, and the
// receipt records the material now CURRENT.
func TestSubmitRotateAfterEveryImport(t *testing.T) {
	r := newRotKMS(t)
	r.key(symARN, "", matID, matID2)
	r.key(sym2ARN, "", matID, matID3)
	pl := &bundle.ImportPayload{Entries: []bundle.ImportEntry{newEntry(symARN), newEntry(sym2ARN)}}
	rc, err := kmsimport.Submit(context.Background(), r.client(t), kmsimport.SubmitRequest{Payload: pl, Rotate: true, RotateRate: 1000})
	require.NoError(t, err)
	require.Equal(t, []string{
		"DescribeKey@us-east-1", "DescribeKey@eu-west-2", "ImportKeyMaterial@us-east-1", "ImportKeyMaterial@eu-west-2",
		"ListKeyRotations@us-east-1", "RotateKeyOnDemand@us-east-1", "ListKeyRotations@us-east-1",
		"ListKeyRotations@eu-west-2", "RotateKeyOnDemand@eu-west-2", "ListKeyRotations@eu-west-2",
	}, ops(r.StandIn))
	for i, want := range []string{matID2, matID3} {
		rot := rc.Entries[i].Rotation
		require.NotNil(t, rot, "entries[%d]", i)
		require.Equal(t, kmsimport.OutcomeRotated, rot.Outcome, "entries[%d]: %+v", i, rot)
		require.Equal(t, want, rot.PendingKeyMaterialID, "entries[%d]: %+v", i, rot)
		require.Equal(t, want, rot.CurrentKeyMaterialID, "entries[%d]: %+v", i, rot)
		require.Equal(t, "req-RotateKeyOnDemand", rot.RequestID, "entries[%d]: %+v", i, rot)
	}
	b, err := kmsimport.MarshalReceipt(rc)
	require.NoError(t, err)
	_, err = kmsimport.ParseReceipt(b)
	require.NoError(t, err, "a receipt with rotations reads back")
}

// TestSubmitRotatePaced: RotateKeyOnDemand is paced to RotateRate (its
// quota is 5/s): three rotations at 4/s span at least half a second.
func TestSubmitRotatePaced(t *testing.T) {
	r := newRotKMS(t)
	arns := []string{symARN, sym2ARN, eccARN}
	var entries []bundle.ImportEntry
	for i, a := range arns {
		r.key(a, "", matID, fmt.Sprintf("%02d%s", i, matID2[2:]))
		entries = append(entries, newEntry(a))
	}
	_, err := kmsimport.Submit(context.Background(), r.client(t), kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: entries}, Rotate: true, RotateRate: 4})
	require.NoError(t, err)
	require.Len(t, r.rotated, 3)
	require.GreaterOrEqual(t, r.rotated[2].Sub(r.rotated[0]), 500*time.Millisecond, "rotations at %v", r.rotated)
	require.Equal(t, kmsimport.DefaultRotateRate, 5.0)
}

// TestSubmitRotateNothingNew: --rotate for a bundle without NEW material is
// bad usage, refused before any request.
func TestSubmitRotateNothingNew(t *testing.T) {
	r := newRotKMS(t)
	e := shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
	e.ImportType = bundle.ImportExisting
	_, err := kmsimport.Submit(context.Background(), r.client(t), kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{e}}, Rotate: true})
	require.ErrorIs(t, err, kmsimport.ErrUsage)
	require.ErrorIs(t, err, kmsimport.ErrNothingToRotate)
	require.Equal(t, 0, r.Count(""))
}

// TestSubmitWithoutRotateNamesTheCommand: without Rotate nothing is
// rotated, and the note names the command that rotates later.
func TestSubmitWithoutRotateNamesTheCommand(t *testing.T) {
	r := newRotKMS(t)
	r.key(symARN, "", matID, matID2)
	rc, err := kmsimport.Submit(context.Background(), r.client(t), kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{newEntry(symARN)}}})
	require.NoError(t, err)
	require.Nil(t, rc.Entries[0].Rotation)
	require.Contains(t, rc.Entries[0].Note, "airwrap-online rotate --key-id "+symARN)
	require.Equal(t, 0, r.Count("RotateKeyOnDemand"))
}

// TestSubmitRotateMultiRegion: a replica is never rotated (KMS refuses it
// there); its primary is, in the primary's Region, after the replica's
// import. A replica whose import failed keeps the primary from rotating.
func TestSubmitRotateMultiRegion(t *testing.T) {
	r := newRotKMS(t)
	r.key(mrkPrimary, "PRIMARY", matID, matID2)
	r.key(mrkReplica, "REPLICA", matID, matID2)
	// The replica's entry as wrap writes it for a rotation: the primary's
	// new material, EXISTING_KEY_MATERIAL with the primary's KeyMaterialId.
	replica := newEntry(mrkReplica)
	replica.ImportType, replica.KeyMaterialIDFrom = bundle.ImportExisting, mrkPrimary
	pl := &bundle.ImportPayload{Entries: []bundle.ImportEntry{replica, newEntry(mrkPrimary)}}
	rc, err := kmsimport.Submit(context.Background(), r.client(t), kmsimport.SubmitRequest{Payload: pl, Rotate: true, RotateRate: 1000})
	require.NoError(t, err)
	require.Equal(t, kmsimport.OutcomeRotated, rc.Entries[1].Rotation.Outcome)
	require.Equal(t, kmsimport.OutcomeRotatesWithPrimary, rc.Entries[0].Rotation.Outcome)
	imports := r.Bodies("ImportKeyMaterial")
	require.Len(t, imports, 2)
	require.Equal(t, matID2, imports[1]["KeyMaterialId"], "the replica takes the primary's KeyMaterialId")
	var rotReqs []string
	for _, q := range r.Requests() {
		if q.Op == "RotateKeyOnDemand" {
			rotReqs = append(rotReqs, q.Body["KeyId"].(string)+"@"+q.Region)
		}
	}
	require.Equal(t, []string{mrkPrimary + "@us-east-1"}, rotReqs)

	// The replica refuses the material: the primary is not rotated.
	r2 := newRotKMS(t)
	r2.key(mrkPrimary, "PRIMARY", matID, matID2)
	r2.key(mrkReplica, "REPLICA", matID, "")
	rc, err = kmsimport.Submit(context.Background(), r2.client(t), kmsimport.SubmitRequest{Payload: pl, Rotate: true, RotateRate: 1000})
	require.ErrorIs(t, err, kmsimport.ErrReplicaNotReady)
	require.Equal(t, kmsimport.OutcomeFailed, rc.Entries[1].Rotation.Outcome)
	require.Contains(t, rc.Entries[1].Rotation.Error, "airwrap-online rotate --key-id "+mrkPrimary)
	require.Equal(t, 0, r2.Count("RotateKeyOnDemand"))
}

// TestSubmitRotateOnlyItsOwnMaterial: when the material this run imported
// is not PENDING_ROTATION, no rotation is requested.
func TestSubmitRotateOnlyItsOwnMaterial(t *testing.T) {
	r := newRotKMS(t)
	r.key(symARN, "", matID, matID2)
	r.OnFunc("ListKeyRotations", nil)
	r.On("ListKeyRotations", 200, fmt.Sprintf(`{"Rotations":[{"KeyId":%q,"KeyMaterialId":%q,"KeyMaterialState":"PENDING_ROTATION"}],"Truncated":false}`, symARN, matID3))
	rc, err := kmsimport.Submit(context.Background(), r.client(t), kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{newEntry(symARN)}}, Rotate: true})
	require.ErrorIs(t, err, kmsimport.ErrNoPendingRotation)
	require.Equal(t, kmsimport.OutcomeFailed, rc.Entries[0].Rotation.Outcome)
	require.Equal(t, kmsimport.OutcomeImported, rc.Entries[0].Outcome, "the import itself stands")
	require.Equal(t, 0, r.Count("RotateKeyOnDemand"))
}

// TestRotateKeysLater: the standalone rotation checks every key first
// (ListKeyRotations shows what is PENDING_ROTATION) and rotates none when
// one cannot be; then rotates each.
func TestRotateKeysLater(t *testing.T) {
	r := newRotKMS(t)
	r.key(symARN, "", matID, matID2)
	r.mats[symARN][matID2] = "PENDING_ROTATION"
	r.key(sym2ARN, "", matID, matID3)
	r.key(mrkReplica, "REPLICA", matID, matID2)
	api := r.client(t)
	_, err := kmsimport.CheckRotatable(context.Background(), api, []string{symARN, sym2ARN, mrkReplica}, time.Now())
	require.ErrorIs(t, err, kmsimport.ErrNoPendingRotation)
	require.ErrorIs(t, err, kmsimport.ErrReplicaRotation)
	require.Equal(t, 0, r.Count("RotateKeyOnDemand"))

	keys, err := kmsimport.CheckRotatable(context.Background(), api, []string{symARN}, time.Now())
	require.NoError(t, err)
	require.Equal(t, matID2, keys[0].Pending[0].KeyMaterialID)
	rots, err := kmsimport.RotateKeys(context.Background(), api, keys, kmsimport.RotateKeysRequest{Rate: 1000})
	require.NoError(t, err)
	require.Equal(t, kmsimport.OutcomeRotated, rots[0].Outcome)
	require.Equal(t, matID2, rots[0].CurrentKeyMaterialID)
	require.Equal(t, 1, r.Count("RotateKeyOnDemand"))
}

// TestSubmitRotateInterrupted: a submit stopped in its rotation phase says
// which keys keep their new material PENDING_ROTATION (to rotate later);
// the imports stand and the rotations not reached are not-attempted.
func TestSubmitRotateInterrupted(t *testing.T) {
	r := newRotKMS(t)
	r.key(symARN, "", matID, matID2)
	r.key(sym2ARN, "", matID, matID3)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r.OnFunc("RotateKeyOnDemand", func(body map[string]any) kmstest.Answer {
		cancel(fmt.Errorf("%w by SIGINT", kmsimport.ErrInterrupted))
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyId":%q}`, body["KeyId"])}
	})
	pl := &bundle.ImportPayload{Entries: []bundle.ImportEntry{newEntry(symARN), newEntry(sym2ARN)}}
	rc, err := kmsimport.Submit(ctx, r.client(t), kmsimport.SubmitRequest{Payload: pl, Rotate: true, RotateRate: 1000})
	require.ErrorIs(t, err, kmsimport.ErrInterrupted)
	var stop *kmsimport.RotationStoppedError
	require.ErrorAs(t, err, &stop)
	require.Equal(t, []string{sym2ARN}, stop.ARNs)
	require.Equal(t, []string{"imported", "imported"}, outcomes(rc))
	require.Equal(t, kmsimport.OutcomeRotated, rc.Entries[0].Rotation.Outcome)
	require.Equal(t, kmsimport.OutcomeNotAttempted, rc.Entries[1].Rotation.Outcome)
	require.Equal(t, 1, r.Count("RotateKeyOnDemand"))
}
