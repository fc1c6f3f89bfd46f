package kmsimport_test

// submit --resume against the stateful KMS model (kmstest.Model): a submit
// of new key material interrupted after its first import, then resumed
// with its receipt. KMS refuses new material a key already holds, so only
// the resume's skipping of what the first run imported lets the rest in.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

// modelClient starts a model, points the environment at it (region) and
// returns a client without retries.
func modelClient(t *testing.T, region string) (*kmstest.Model, kmsimport.API) {
	t.Helper()
	m, url := kmstest.StartModel(t, kmstest.ModelOptions{})
	kmstest.SetEnv(t, kmstest.ModelEnv(url, region))
	api, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{EndpointURL: url, MaxAttempts: 1})
	require.NoError(t, err)
	return m, api
}

// stopAfter is a Progress writer that cancels the run once the import
// line "[n/..." is written: the next entry is not attempted.
type stopAfter struct {
	line   string
	cancel context.CancelFunc
}

func (s stopAfter) Write(p []byte) (int, error) {
	if strings.Contains(string(p), s.line) {
		s.cancel()
	}
	return len(p), nil
}

// interruptedSubmit runs a submit of pl that Ctrl-C stops after the import
// numbered after (1-based, in import order).
func interruptedSubmit(t *testing.T, api kmsimport.API, pl *bundle.ImportPayload, sha string, after int) (*kmsimport.Receipt, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	return kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: pl, BundleSHA256: sha, Rate: 1000,
		Progress: stopAfter{line: "[" + string(rune('0'+after)) + "/", cancel: cancel}})
}

// importErrors: ImportKeyMaterial requests from index from on that KMS
// refused, with the exception.
func importErrors(m *kmstest.Model, from int) []string {
	var out []string
	for _, q := range m.Requests()[from:] {
		if q.Error != "" {
			out = append(out, q.Op+": "+q.Error)
		}
	}
	return out
}

func count(m *kmstest.Model, from int, op string) int {
	n := 0
	for _, q := range m.Requests()[from:] {
		if q.Op == op {
			n++
		}
	}
	return n
}

// (a) Single-Region keys given new material, stopped after the first
// import: the same command again fails that entry (KMS holds the material:
// "may already be attached"); resumed with the first run's receipt it
// skips it (imported-earlier, the receipt's KeyMaterialId), imports the
// rest with no IncorrectKeyMaterialException, and --rotate rotates every
// key, the first run's too, to the material each import returned.
func TestSubmitResumeNewMaterialAgainstModel(t *testing.T) {
	m, api := modelClient(t, kmstest.Region)
	ctx := context.Background()
	keys, prepare := symmetricKeys(t, api, 3, "resume test")
	first, _ := payload(t, prepare(), []byte("p1"))
	_, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: first, BundleSHA256: "first", Rate: 1000})
	require.NoError(t, err)

	second, _ := payload(t, prepare(), []byte("p2"))
	for i := range second.Entries {
		second.Entries[i].ImportType, second.Entries[i].KeyMaterialDescription = bundle.ImportNew, "resume test 2"
	}
	rc1, err := interruptedSubmit(t, api, second, "second", 1)
	require.ErrorIs(t, err, kmsimport.ErrInterrupted)
	require.ErrorIs(t, err, kmsimport.ErrResumeNeeded, "new material was imported: a plain re-run is not safe")
	require.Equal(t, []string{kmsimport.OutcomeImported, kmsimport.OutcomeNotAttempted, kmsimport.OutcomeNotAttempted}, outcomes(rc1))
	id0 := rc1.Entries[0].KeyMaterialID
	require.NotEmpty(t, id0)

	// What a re-run without the receipt meets: KMS refuses entry 0.
	_, err = kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: second.Entries[:1]}, BundleSHA256: "second", Rate: 1000})
	require.ErrorIs(t, err, kmsimport.ErrMaybeAttached)

	// A receipt claiming an import KMS never saw (an id the key does not
	// hold): refused before any import, never skipped on its word.
	forged := *rc1
	forged.Entries = append([]kmsimport.ReceiptEntry(nil), rc1.Entries...)
	forged.Entries[1].Outcome, forged.Entries[1].KeyMaterialID = kmsimport.OutcomeImported, strings.Repeat("ab", 32)
	mark := len(m.Requests())
	_, err = kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: second, BundleSHA256: "second", Rate: 1000, Earlier: &forged})
	require.ErrorIs(t, err, kmsimport.ErrReceiptMismatch)
	require.ErrorContains(t, err, "entries[1]: ")
	require.ErrorContains(t, err, "KMS lists no such material for the key")
	require.Zero(t, count(m, mark, "ImportKeyMaterial"))

	mark = len(m.Requests())
	rc2, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: second, BundleSHA256: "second", Rate: 1000, Earlier: rc1, Rotate: true, RotateRate: 1000})
	require.NoError(t, err)
	require.Empty(t, importErrors(m, mark), "no request refused (no IncorrectKeyMaterialException)")
	require.Equal(t, 2, count(m, mark, "ImportKeyMaterial"), "entry 0 is not sent again")
	require.Equal(t, []string{kmsimport.OutcomeImportedEarlier, kmsimport.OutcomeImported, kmsimport.OutcomeImported}, outcomes(rc2))
	require.Equal(t, id0, rc2.Entries[0].KeyMaterialID, "the first run's KeyMaterialId")
	for i, e := range rc2.Entries {
		require.NotNil(t, e.Rotation, "entries[%d]", i)
		require.Equal(t, kmsimport.OutcomeRotated, e.Rotation.Outcome, "entries[%d]: %+v", i, e.Rotation)
		require.Equal(t, e.KeyMaterialID, e.Rotation.CurrentKeyMaterialID, "entries[%d]: the material imported is CURRENT", i)
	}
	st, err := kmsimport.Status(ctx, api, keys, time.Now())
	require.NoError(t, err)
	for i, k := range st {
		require.Equal(t, rc2.Entries[i].KeyMaterialID, k.CurrentKeyMaterialID, "keys[%d]", i)
	}
}

// (b) A multi-Region rotation bundle (the primary NEW_KEY_MATERIAL, the
// replica its share with key_material_id_from) stopped after the primary:
// the replica's KeyMaterialId was returned to the first run only. Resumed
// with that run's receipt, the replica imports with it and the primary
// rotates (the replica with it). A forged receipt naming another id for the
// primary imports nothing wrong: KMS checks the replica's material against
// the id (IncorrectKeyMaterialException).
func TestSubmitResumeMultiRegionAgainstModel(t *testing.T) {
	m, api := modelClient(t, "us-east-1")
	ctx := context.Background()
	p, err := kmsimport.Prepare(ctx, api, kmsimport.PrepareRequest{
		Create:            &kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "mrk resume", MultiRegion: true, ReplicaRegions: []string{"eu-west-1"}},
		WrappingAlgorithm: string(kmsrules.RSAESOAEPSHA256), WrappingKeySpec: "RSA_2048", Rate: 1000, ReplicaPoll: time.Millisecond, ToolVersion: "test",
	})
	require.NoError(t, err)
	require.Len(t, p.Entries, 2)
	primary, replica := p.Entries[0].KeyARN, p.Entries[1].KeyARN
	ceremony := func(p *bundle.Params, material []byte, rotation bool) *bundle.ImportPayload {
		return mrkCeremony(t, p, material, rotation, primary)
	}
	rc0, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: ceremony(p, []byte("0123456789abcdef0123456789abcdef"), false)})
	require.NoError(t, err)
	oldID := rc0.Entries[0].KeyMaterialID

	p2, err := kmsimport.Prepare(ctx, api, kmsimport.PrepareRequest{KeyIDs: []string{primary, replica}, WrappingAlgorithm: string(kmsrules.RSAESOAEPSHA256), WrappingKeySpec: "RSA_2048", Rate: 1000, ToolVersion: "test"})
	require.NoError(t, err)
	rot := ceremony(p2, []byte("fedcba9876543210fedcba9876543210"), true)
	rc1, err := interruptedSubmit(t, api, rot, "rotation", 1)
	require.ErrorIs(t, err, kmsimport.ErrResumeNeeded)
	require.Equal(t, []string{kmsimport.OutcomeImported, kmsimport.OutcomeNotAttempted}, outcomes(rc1))
	newID := rc1.Entries[0].KeyMaterialID
	require.NotEqual(t, oldID, newID)

	// A forged receipt: the primary "imported" with the old material's id.
	forged := *rc1
	forged.Entries = append([]kmsimport.ReceiptEntry(nil), rc1.Entries...)
	forged.Entries[0].KeyMaterialID = oldID
	mark := len(m.Requests())
	rcf, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: rot, BundleSHA256: "rotation", Rate: 1000, Earlier: &forged})
	require.ErrorIs(t, err, kmsimport.ErrIncorrectKeyMaterial)
	require.Equal(t, []string{kmsimport.OutcomeImportedEarlier, kmsimport.OutcomeFailed}, outcomes(rcf))
	require.Equal(t, []string{"ImportKeyMaterial: IncorrectKeyMaterialException"}, importErrors(m, mark))

	mark = len(m.Requests())
	rc2, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: rot, BundleSHA256: "rotation", Rate: 1000, Earlier: rc1, Rotate: true})
	require.NoError(t, err)
	require.Empty(t, importErrors(m, mark))
	require.Equal(t, []string{kmsimport.OutcomeImportedEarlier, kmsimport.OutcomeImported}, outcomes(rc2))
	require.Equal(t, newID, rc2.Entries[0].KeyMaterialID)
	require.Equal(t, newID, rc2.Entries[1].KeyMaterialID, "the replica took the primary's KeyMaterialId from the receipt")
	var sent []string
	for _, q := range m.Requests()[mark:] {
		if q.Op == "ImportKeyMaterial" {
			sent = append(sent, q.Region+" "+q.Body["KeyMaterialId"].(string))
		}
	}
	require.Equal(t, []string{"eu-west-1 " + newID}, sent)
	require.Equal(t, kmsimport.OutcomeRotated, rc2.Entries[0].Rotation.Outcome, "%+v", rc2.Entries[0].Rotation)
	require.Equal(t, kmsimport.OutcomeRotatesWithPrimary, rc2.Entries[1].Rotation.Outcome)
	st, err := kmsimport.Status(ctx, api, []string{primary, replica}, time.Now())
	require.NoError(t, err)
	require.Equal(t, newID, st[0].CurrentKeyMaterialID)
	require.Equal(t, newID, st[1].CurrentKeyMaterialID, "the replica rotated with its primary")
}

// (c) A receipt of another bundle, or one recording an import into a key
// no entry of the bundle names, is refused before any request, every
// problem at once.
func TestSubmitResumeRefusesForeignReceipt(t *testing.T) {
	m, api := modelClient(t, kmstest.Region)
	ctx := context.Background()
	info, err := kmsimport.CreateKey(ctx, api, kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "resume test"})
	require.NoError(t, err)
	p, err := kmsimport.Prepare(ctx, api, kmsimport.PrepareRequest{KeyIDs: []string{info.ARN}, WrappingAlgorithm: string(kmsrules.RSAESOAEPSHA256), WrappingKeySpec: "RSA_2048", Rate: 1000, ToolVersion: "test"})
	require.NoError(t, err)
	pl, _ := payload(t, p, []byte("p"))
	pl.Entries[0].ImportType = bundle.ImportNew
	other := "arn:aws:kms:" + kmstest.Region + ":111122223333:key/0a1b2c3d-0000-4000-8000-00000000beef"
	entry := func(arn string) kmsimport.ReceiptEntry {
		return kmsimport.ReceiptEntry{KeyARN: arn, Outcome: kmsimport.OutcomeImported, KeyMaterialID: strings.Repeat("a", 64)}
	}
	for name, tc := range map[string]struct {
		rc   kmsimport.Receipt
		want []string
	}{
		"another bundle": {kmsimport.Receipt{Type: kmsimport.ReceiptType, BundleSHA256: "another", Entries: []kmsimport.ReceiptEntry{entry(info.ARN)}},
			[]string{"--resume is the receipt of another bundle than the bundle"}},
		"entry not in the bundle": {kmsimport.Receipt{Type: kmsimport.ReceiptType, BundleSHA256: "this", Entries: []kmsimport.ReceiptEntry{entry(info.ARN), entry(other), {KeyARN: other, Outcome: kmsimport.OutcomeImportedEarlier}}},
			[]string{"--resume: entries[1].key_arn: " + other + " is imported there, and no entry of the bundle imports into it", "--resume: entries[2].key_arn: " + other + " is imported-earlier there"}},
	} {
		t.Run(name, func(t *testing.T) {
			mark := len(m.Requests())
			rc, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: pl, BundleSHA256: "this", Earlier: &tc.rc})
			require.ErrorIs(t, err, kmsimport.ErrReceiptMismatch)
			require.Nil(t, rc)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			require.Empty(t, m.Requests()[mark:], "no request")
		})
	}
}
