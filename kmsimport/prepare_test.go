package kmsimport_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrepareAgainstLocalKMS(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k1, k2 := e.createKey(t), e.createKey(t)
	var progress bytes.Buffer
	for _, alg := range []string{string(kmsrules.RSAESOAEPSHA1), string(kmsrules.RSAESOAEPSHA256)} {
		progress.Reset()
		p, err := kmsimport.Prepare(ctx, e.api, kmsimport.PrepareRequest{
			KeyIDs: []string{k1, k2}, WrappingAlgorithm: alg, WrappingKeySpec: "RSA_2048",
			Rate: 1000, Progress: &progress, ToolVersion: "test",
		})
		require.NoError(t, err, "%s: Prepare", alg)
		require.Len(t, p.Entries, 2, "%d entries", len(p.Entries))
		for i, want := range []string{k1, k2} {
			en := p.Entries[i]
			assert.Equal(t, want, en.KeyARN, "entry %d: %+v", i, en)
			assert.Equal(t, kmstest.Account, en.Account, "entry %d: %+v", i, en)
			assert.Equal(t, kmstest.Region, en.Region, "entry %d: %+v", i, en)
			assert.Equal(t, "SYMMETRIC_DEFAULT", en.KeySpec, "entry %d: %+v", i, en)
			assert.Equal(t, "ENCRYPT_DECRYPT", en.KeyUsage, "entry %d: %+v", i, en)
			assert.Equal(t, alg, en.WrappingAlgorithm, "entry %d: %+v", i, en)
			assert.Equal(t, "RSA_2048", en.WrappingKeySpec, "entry %d: %+v", i, en)
			assert.NotEmpty(t, en.ImportToken, "entry %d: %+v", i, en)
			assert.False(t, en.ParametersValidTo.IsZero(), "entry %d: %+v", i, en)
		}
		b, err := bundle.MarshalParams(p)
		require.NoError(t, err, "MarshalParams")
		_, err = bundle.ParseParams(b)
		require.NoError(t, err, "ParseParams of what Prepare made")
		assert.Contains(t, progress.String(), "2 keys at 1000/s", "progress:\n%s", progress.String())
		assert.Contains(t, progress.String(), "[2/2] "+k2, "progress:\n%s", progress.String())
	}
}

func TestPrepareDefaultAlgorithmAndCreate(t *testing.T) {
	e := newEnv(t)
	p, err := kmsimport.Prepare(context.Background(), e.api, kmsimport.PrepareRequest{
		Create:          &kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "created by prepare", Tags: []kmsimport.Tag{{Key: "team", Value: "payments"}}},
		WrappingKeySpec: "RSA_2048", Rate: 1000,
	})
	require.NoError(t, err, "Prepare")
	got := p.Entries[0].WrappingAlgorithm
	require.Equal(t, string(kmsrules.RSAESOAEPSHA256), got, "default algorithm %s, want the strongest, RSAES_OAEP_SHA_256", got)
	require.Equal(t, 1, e.tr.Count("CreateKey"), "CreateKey calls: %d", e.tr.Count("CreateKey"))
}

// Every problem is reported at once and nothing is fetched.
func TestPrepareRefusesBeforeFetching(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	good := e.createKey(t)
	aws, err := e.api.CreateKey(ctx, nil)
	require.NoError(t, err, "CreateKey AWS_KMS")
	awsOrigin := *aws.KeyMetadata.Arn
	_, err = kmsimport.Prepare(ctx, e.api, kmsimport.PrepareRequest{
		KeyIDs:          []string{good, awsOrigin, "arn:aws:kms:eu-west-2:111122223333:key/00000000-0000-0000-0000-000000000000", good},
		WrappingKeySpec: "RSA_2048", Rate: 1000,
	})
	require.ErrorIs(t, err, kmsimport.ErrKeyNotImportable, "error %v: want not importable, not found and duplicate, all at once", err)
	require.ErrorIs(t, err, kmsimport.ErrNotFound, "error %v: want not importable, not found and duplicate, all at once", err)
	require.ErrorIs(t, err, kmsimport.ErrUsage, "error %v: want not importable, not found and duplicate, all at once", err)
	for _, want := range []string{"keys[1].Origin", "keys[2]", "keys[3]"} {
		assert.Contains(t, err.Error(), want, "error lacks %q:\n%v", want, err)
	}
	n := e.tr.Count("GetParametersForImport")
	require.Equal(t, 0, n, "%d GetParametersForImport requests, want 0", n)
	// Bad request fields: no AWS call at all.
	e.tr.Reset()
	_, err = kmsimport.Prepare(ctx, e.api, kmsimport.PrepareRequest{WrappingAlgorithm: "RSAES_PKCS1_V1_5", WrappingKeySpec: "RSA_1024", Rate: -1})
	require.Error(t, err, "error %v after %d requests", err, e.tr.Count(""))
	require.Equal(t, 0, e.tr.Count(""), "error %v after %d requests", err, e.tr.Count(""))
	for _, want := range []string{"name the keys with --key-id or --keys-file, or --create one", "wrapping-key-spec", "wrapping-algorithm", "rate"} {
		assert.Contains(t, err.Error(), want, "error lacks %q:\n%v", want, err)
	}
}

// Throttled GetParametersForImport calls are retried by the client.
func TestPrepareRetriesThrottling(t *testing.T) {
	e := newEnv(t)
	k := e.createKey(t)
	e.tr.Inject("GetParametersForImport", kmstest.Throttle, 0, 2)
	e.tr.Inject("GetParametersForImport", kmstest.ServerError, 0, 1)
	p, err := kmsimport.Prepare(context.Background(), e.api, kmsimport.PrepareRequest{KeyIDs: []string{k}, WrappingKeySpec: "RSA_2048", Rate: 1000})
	require.NoError(t, err, "Prepare")
	require.Len(t, p.Entries, 1, "%d entries after %d requests", len(p.Entries), e.tr.Count("GetParametersForImport"))
	require.Equal(t, 4, e.tr.Count("GetParametersForImport"), "%d entries after %d requests", len(p.Entries), e.tr.Count("GetParametersForImport"))
}
