package kmsimport_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
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
		if err != nil {
			t.Fatalf("%s: Prepare: %v", alg, err)
		}
		if len(p.Entries) != 2 {
			t.Fatalf("%d entries", len(p.Entries))
		}
		for i, want := range []string{k1, k2} {
			en := p.Entries[i]
			if en.KeyARN != want || en.Account != kmstest.Account || en.Region != kmstest.Region ||
				en.KeySpec != "SYMMETRIC_DEFAULT" || en.KeyUsage != "ENCRYPT_DECRYPT" || en.WrappingAlgorithm != alg ||
				en.WrappingKeySpec != "RSA_2048" || len(en.ImportToken) == 0 || en.ParametersValidTo.IsZero() {
				t.Errorf("entry %d: %+v", i, en)
			}
		}
		b, err := bundle.MarshalParams(p)
		if err != nil {
			t.Fatalf("MarshalParams: %v", err)
		}
		if _, err := bundle.ParseParams(b); err != nil {
			t.Fatalf("ParseParams of what Prepare made: %v", err)
		}
		if !strings.Contains(progress.String(), "2 keys at 1000/s") || !strings.Contains(progress.String(), "[2/2] "+k2) {
			t.Errorf("progress:\n%s", progress.String())
		}
	}
}

func TestPrepareDefaultAlgorithmAndCreate(t *testing.T) {
	e := newEnv(t)
	p, err := kmsimport.Prepare(context.Background(), e.api, kmsimport.PrepareRequest{
		Create:          &kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "created by prepare", Tags: []kmsimport.Tag{{Key: "team", Value: "payments"}}},
		WrappingKeySpec: "RSA_2048", Rate: 1000,
	})
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if got := p.Entries[0].WrappingAlgorithm; got != string(kmsrules.RSAESOAEPSHA256) {
		t.Fatalf("default algorithm %s, want the strongest, RSAES_OAEP_SHA_256", got)
	}
	if e.tr.Count("CreateKey") != 1 {
		t.Fatalf("CreateKey calls: %d", e.tr.Count("CreateKey"))
	}
}

// Every problem is reported at once and nothing is fetched.
func TestPrepareRefusesBeforeFetching(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	good := e.createKey(t)
	aws, err := e.api.CreateKey(ctx, nil)
	if err != nil {
		t.Fatalf("CreateKey AWS_KMS: %v", err)
	}
	awsOrigin := *aws.KeyMetadata.Arn
	_, err = kmsimport.Prepare(ctx, e.api, kmsimport.PrepareRequest{
		KeyIDs:          []string{good, awsOrigin, "arn:aws:kms:eu-west-2:111122223333:key/00000000-0000-0000-0000-000000000000", good},
		WrappingKeySpec: "RSA_2048", Rate: 1000,
	})
	if !errors.Is(err, kmsimport.ErrKeyNotImportable) || !errors.Is(err, kmsimport.ErrNotFound) || !errors.Is(err, kmsimport.ErrUsage) {
		t.Fatalf("error %v: want not importable, not found and duplicate, all at once", err)
	}
	for _, want := range []string{"keys[1].Origin", "keys[2]", "keys[3]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if n := e.tr.Count("GetParametersForImport"); n != 0 {
		t.Fatalf("%d GetParametersForImport requests, want 0", n)
	}
	// Bad request fields: no AWS call at all.
	e.tr.Reset()
	_, err = kmsimport.Prepare(ctx, e.api, kmsimport.PrepareRequest{WrappingAlgorithm: "RSAES_PKCS1_V1_5", WrappingKeySpec: "RSA_1024", Rate: -1})
	if err == nil || e.tr.Count("") != 0 {
		t.Fatalf("error %v after %d requests", err, e.tr.Count(""))
	}
	for _, want := range []string{"name the keys with --key-id or --keys-file, or --create one", "wrapping-key-spec", "wrapping-algorithm", "rate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// Throttled GetParametersForImport calls are retried by the client.
func TestPrepareRetriesThrottling(t *testing.T) {
	e := newEnv(t)
	k := e.createKey(t)
	e.tr.Inject("GetParametersForImport", kmstest.Throttle, 0, 2)
	e.tr.Inject("GetParametersForImport", kmstest.ServerError, 0, 1)
	p, err := kmsimport.Prepare(context.Background(), e.api, kmsimport.PrepareRequest{KeyIDs: []string{k}, WrappingKeySpec: "RSA_2048", Rate: 1000})
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	if len(p.Entries) != 1 || e.tr.Count("GetParametersForImport") != 4 {
		t.Fatalf("%d entries after %d requests", len(p.Entries), e.tr.Count("GetParametersForImport"))
	}
}
