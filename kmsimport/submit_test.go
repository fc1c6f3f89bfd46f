package kmsimport_test

import (
	"context"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubmitImportsThenReportsAlreadyImported(t *testing.T) {
	e := newEnv(t)
	k1, k2 := e.createKey(t), e.createKey(t)
	p1 := e.prepare(t, string(kmsrules.RSAESOAEPSHA1), k1)
	p2 := e.prepare(t, string(kmsrules.RSAESOAEPSHA256), k2)
	p1.Entries = append(p1.Entries, p2.Entries...)
	pl, _ := payload(t, p1, []byte("params"))

	rc, err := e.submit(t, e.api, pl)
	require.NoError(t, err, "Submit")
	got := outcomes(rc)
	require.Equal(t, []string{"imported", "imported"}, got, "outcomes %v", got)
	for _, re := range rc.Entries {
		assert.Equal(t, "PendingImport", re.StateBefore, "entry %+v", re)
		assert.False(t, re.Time.IsZero(), "entry %+v", re)
	}
	e.roundTrip(t, k1)
	e.roundTrip(t, k2)

	// Every ImportKeyMaterial carried ExpirationModel and ValidTo (local-kms
	// would have crashed otherwise), and re-running is safe.
	rc, err = e.submit(t, e.api, pl)
	require.NoError(t, err, "re-Submit")
	got = outcomes(rc)
	require.Equal(t, []string{"already-imported", "already-imported"}, got, "re-run outcomes %v", got)
	reached := e.tr.Reached("ImportKeyMaterial")
	require.Equal(t, 2, reached[k1], "ImportKeyMaterial reached %v", reached)
	require.Equal(t, 2, reached[k2], "ImportKeyMaterial reached %v", reached)
	e.roundTrip(t, k1)

	// Dry run: checks, sends nothing.
	e.tr.Reset()
	rc, err = kmsimport.Submit(context.Background(), e.api, kmsimport.SubmitRequest{Payload: pl, DryRun: true})
	require.NoError(t, err, "dry run: %v %v", outcomes(rc), err)
	require.Equal(t, []string{"would-import", "would-import"}, outcomes(rc), "dry run: %v %v", outcomes(rc), err)
	n := e.tr.Count("ImportKeyMaterial")
	require.Equal(t, 0, n, "dry run sent %d imports, %d describes", n, e.tr.Count("DescribeKey"))
	require.Equal(t, 2, e.tr.Count("DescribeKey"), "dry run sent %d imports, %d describes", n, e.tr.Count("DescribeKey"))
}

// Each error local-kms really returns, explained in operator terms.
func TestSubmitKMSErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	// The hint each sentinel gets is cmd/airwrap-online's (TestHintTable).
	check := func(name string, pl *bundle.ImportPayload, sentinel error) {
		t.Helper()
		rc, err := e.submit(t, e.api, pl)
		require.ErrorIs(t, err, sentinel, "%s: error %v, want %v", name, err, sentinel)
		assert.Equal(t, kmsimport.OutcomeFailed, rc.Entries[0].Outcome, "%s: receipt entry %+v", name, rc.Entries[0])
		assert.NotEmpty(t, rc.Entries[0].Error, "%s: receipt entry %+v", name, rc.Entries[0])
	}

	// A token from an earlier GetParametersForImport.
	k := e.createKey(t)
	old := e.prepare(t, string(kmsrules.RSAESOAEPSHA256), k)
	e.prepare(t, string(kmsrules.RSAESOAEPSHA256), k)
	pl, _ := payload(t, old, []byte("p"))
	check("earlier token", pl, kmsimport.ErrInvalidImportToken)

	// The wrong algorithm: parameters for SHA-256, wrapped with SHA-1.
	k = e.createKey(t)
	p := e.prepare(t, string(kmsrules.RSAESOAEPSHA256), k)
	pl, _ = payload(t, p, []byte("p"))
	pl.Entries[0] = wrap(t, p.Entries[0], make([]byte, 32), string(kmsrules.RSAESOAEPSHA1))
	check("wrong algorithm", pl, kmsimport.ErrInvalidCiphertext)

	// Wrapped under another key's public key.
	other := e.prepare(t, string(kmsrules.RSAESOAEPSHA256), e.createKey(t))
	pe := p.Entries[0]
	pe.PublicKey = other.Entries[0].PublicKey
	pl.Entries[0] = wrap(t, pe, make([]byte, 32), "")
	pl.Entries[0].ImportToken = p.Entries[0].ImportToken
	check("other public key", pl, kmsimport.ErrInvalidCiphertext)

	// Other material on reimport.
	pl, _ = payload(t, p, []byte("p"))
	_, err := e.submit(t, e.api, pl)
	require.NoError(t, err, "first import")
	p = e.prepare(t, string(kmsrules.RSAESOAEPSHA256), k)
	pl, _ = payload(t, p, []byte("p")) // fresh random material
	check("other material", pl, kmsimport.ErrIncorrectKeyMaterial)
	e.roundTrip(t, k)

	// Pre-checks: a key of origin AWS_KMS and a key spec mismatch stop the
	// whole batch before any ImportKeyMaterial.
	awsKey, err := e.api.CreateKey(ctx, &kms.CreateKeyInput{})
	require.NoError(t, err)
	good := e.prepare(t, string(kmsrules.RSAESOAEPSHA256), e.createKey(t))
	pl, _ = payload(t, good, []byte("p"))
	bad := pl.Entries[0]
	bad.KeyARN = *awsKey.KeyMetadata.Arn
	mismatch := pl.Entries[0]
	mismatch.KeySpec = "HMAC_256"
	pl.Entries = append(pl.Entries, bad, mismatch)
	e.tr.Reset()
	rc, err := e.submit(t, e.api, pl)
	require.ErrorIs(t, err, kmsimport.ErrKeyNotImportable, "pre-check error %v", err)
	require.ErrorIs(t, err, kmsimport.ErrKeyMismatch, "pre-check error %v", err)
	n := e.tr.Count("ImportKeyMaterial")
	require.Equal(t, 0, n, "%d ImportKeyMaterial after a failed pre-check", n)
	got := outcomes(rc)
	require.Equal(t, []string{"not-attempted", "failed", "failed"}, got, "outcomes %v", got)
	require.Contains(t, err.Error(), "entries[1].Origin", "error lacks field paths: %v", err)
	require.Contains(t, err.Error(), "entries[2].key_spec", "error lacks field paths: %v", err)
}

// batch makes n keys with parameters and a payload for them.
func (e *env) batch(t *testing.T, n int) ([]string, *bundle.ImportPayload) {
	t.Helper()
	var keys []string
	for range n {
		keys = append(keys, e.createKey(t))
	}
	pl, _ := payload(t, e.prepare(t, string(kmsrules.RSAESOAEPSHA256), keys...), []byte("p"))
	return keys, pl
}

func TestSubmitRetriesThrottlingAnd5xx(t *testing.T) {
	e := newEnv(t)
	keys, pl := e.batch(t, 3)
	e.tr.Reset()
	e.tr.Inject("ImportKeyMaterial", kmstest.Throttle, 1, 2)
	e.tr.Inject("ImportKeyMaterial", kmstest.ServerError, 0, 1)
	e.tr.Inject("DescribeKey", kmstest.Throttle, 0, 1)
	rc, err := e.submit(t, e.api, pl)
	require.NoError(t, err, "Submit")
	got := outcomes(rc)
	require.Equal(t, []string{"imported", "imported", "imported"}, got, "outcomes %v", got)
	reached := e.tr.Reached("ImportKeyMaterial")
	for _, k := range keys {
		assert.Equal(t, 1, reached[k], "%s imported %d times, want 1 (%v)", k, reached[k], reached)
	}
}

// With retries off, a throttled entry fails mid-batch; the re-run completes
// the batch and no key is imported twice from PendingImport.
func TestSubmitBatchCompletesOnRerun(t *testing.T) {
	e := newEnv(t)
	keys, pl := e.batch(t, 3)
	api1 := newClient(t, e.tr, 1)
	e.tr.Reset()
	e.tr.Inject("ImportKeyMaterial", kmstest.Throttle, 1, 1)
	e.tr.Inject("ImportKeyMaterial", kmstest.ServerError, 0, 1) // hits the third entry
	rc, err := e.submit(t, api1, pl)
	require.ErrorIs(t, err, kmsimport.ErrTransient, "first run error %v, want ErrTransient", err)
	got := outcomes(rc)
	require.Equal(t, []string{"imported", "failed", "failed"}, got, "first run outcomes %v", got)
	rc, err = e.submit(t, api1, pl)
	require.NoError(t, err, "re-run")
	got = outcomes(rc)
	require.Equal(t, []string{"already-imported", "imported", "imported"}, got, "re-run outcomes %v", got)
	for _, k := range keys {
		e.roundTrip(t, k)
	}
}

// A connection dropped after KMS acted: submit notices the key is now
// Enabled and confirms by sending the same material again. If even that
// cannot be learned, the re-run reports it already imported.
func TestSubmitDroppedConnection(t *testing.T) {
	e := newEnv(t)
	keys, pl := e.batch(t, 3)
	api1 := newClient(t, e.tr, 1)
	e.tr.Reset()
	e.tr.Inject("ImportKeyMaterial", kmstest.DropAfterForward, 1, 1)
	rc, err := e.submit(t, api1, pl)
	require.NoError(t, err, "Submit")
	got := outcomes(rc)
	require.Equal(t, []string{"imported", "imported", "imported"}, got, "outcomes %v, note %q", got, rc.Entries[1].Note)
	require.Contains(t, rc.Entries[1].Note, "answer was lost", "outcomes %v, note %q", got, rc.Entries[1].Note)
	reached := e.tr.Reached("ImportKeyMaterial")
	require.Equal(t, 1, reached[keys[0]], "ImportKeyMaterial reached %v: the dropped one twice (same material), the others once", reached)
	require.Equal(t, 2, reached[keys[1]], "ImportKeyMaterial reached %v: the dropped one twice (same material), the others once", reached)
	require.Equal(t, 1, reached[keys[2]], "ImportKeyMaterial reached %v: the dropped one twice (same material), the others once", reached)
	for _, k := range keys {
		e.roundTrip(t, k)
	}

	keys, pl = e.batch(t, 3)
	e.tr.Reset()
	e.tr.Inject("ImportKeyMaterial", kmstest.DropAfterForward, 1, 1)
	e.tr.Inject("DescribeKey", kmstest.ServerError, 3, 1) // the check after the drop
	rc, err = e.submit(t, api1, pl)
	require.ErrorIs(t, err, kmsimport.ErrTransient, "first run: %v %v", outcomes(rc), err)
	require.Equal(t, []string{"imported", "failed", "imported"}, outcomes(rc), "first run: %v %v", outcomes(rc), err)
	rc, err = e.submit(t, api1, pl)
	require.NoError(t, err, "re-run: %v %v", outcomes(rc), err)
	require.Equal(t, []string{"already-imported", "already-imported", "already-imported"}, outcomes(rc), "re-run: %v %v", outcomes(rc), err)
	for _, k := range keys {
		e.roundTrip(t, k)
	}
}
