package kmsimport_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
)

// cancelDuring is the API whose calls to op cancel the run (as Ctrl-C
// would) while the request is in flight, and record whether that request's
// own context was cancelled with it.
type cancelDuring struct {
	kmsimport.API
	op       string
	cancel   context.CancelCauseFunc
	calls    int
	inflight []error // each op request's ctx.Err() after the cancel
}

func (c *cancelDuring) ImportKeyMaterial(ctx context.Context, in *kms.ImportKeyMaterialInput, o ...func(*kms.Options)) (*kms.ImportKeyMaterialOutput, error) {
	if c.op == "ImportKeyMaterial" {
		c.stop(ctx)
	}
	return c.API.ImportKeyMaterial(ctx, in, o...)
}

func (c *cancelDuring) GetParametersForImport(ctx context.Context, in *kms.GetParametersForImportInput, o ...func(*kms.Options)) (*kms.GetParametersForImportOutput, error) {
	if c.op == "GetParametersForImport" {
		c.stop(ctx)
	}
	return c.API.GetParametersForImport(ctx, in, o...)
}

func (c *cancelDuring) stop(ctx context.Context) {
	c.calls++
	c.cancel(errors.New("test signal"))
	c.inflight = append(c.inflight, ctx.Err())
}

// A run cancelled while ImportKeyMaterial is in flight lets that request
// finish (its context is not cancelled), imports nothing more, and says so:
// ErrInterrupted, the first entry imported, the others not attempted.
func TestSubmitInterruptedBetweenRequests(t *testing.T) {
	e := newEnv(t)
	k1, k2, k3 := e.createKey(t), e.createKey(t), e.createKey(t)
	pl, _ := payload(t, e.prepare(t, string(kmsrules.RSAESOAEPSHA1), k1, k2, k3), []byte("params"))

	ctx, cancel := context.WithCancelCause(context.Background())
	api := &cancelDuring{API: e.api, op: "ImportKeyMaterial", cancel: cancel}
	rc, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: pl, BundleSHA256: "test"})
	require.ErrorIs(t, err, kmsimport.ErrInterrupted)
	assert.ErrorContains(t, err, "1 of 3 entries hold their material; entries[1:] not attempted")
	assert.Equal(t, 1, api.calls)
	assert.Equal(t, []error{nil}, api.inflight, "the request in flight was cancelled")
	assert.Equal(t, []string{"imported", "not-attempted", "not-attempted"}, outcomes(rc))
	assert.Equal(t, map[string]int{k1: 1}, e.tr.Reached("ImportKeyMaterial"))
}

// The same for prepare: the GetParametersForImport in flight finishes, no
// parameters are returned, and the error says how far it went.
func TestPrepareInterruptedBetweenRequests(t *testing.T) {
	e := newEnv(t)
	k1, k2 := e.createKey(t), e.createKey(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	api := &cancelDuring{API: e.api, op: "GetParametersForImport", cancel: cancel}
	p, err := kmsimport.Prepare(ctx, api, kmsimport.PrepareRequest{
		KeyIDs: []string{k1, k2}, WrappingAlgorithm: string(kmsrules.RSAESOAEPSHA1), WrappingKeySpec: "RSA_2048", Rate: 1000,
	})
	require.ErrorIs(t, err, kmsimport.ErrInterrupted)
	assert.Nil(t, p)
	assert.ErrorContains(t, err, "parameters fetched for 1 of 2 keys, not written (they are one file); keys[1:] not fetched")
	assert.Equal(t, []error{nil}, api.inflight, "the request in flight was cancelled")
	assert.Equal(t, 1, e.tr.Count("GetParametersForImport"))
}
