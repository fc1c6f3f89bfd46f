package kmsimport_test

import (
	"context"
	"crypto"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/online"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// online.Open against a real KMS's parameters (local-kms): it lives here,
// beside the helpers that make them.
func TestOnlineOpen(t *testing.T) {
	e := newEnv(t)
	keys := []string{e.createKey(t), e.createKey(t)}
	params := e.prepare(t, string(kmsrules.RSAESOAEPSHA256), keys...)
	paramsBytes, err := bundle.MarshalParams(params)
	require.NoError(t, err)
	pl, _ := payload(t, params, paramsBytes)
	k1, trust1 := signer(t)
	k2, trust2 := signer(t)
	now := time.Now()
	good := signBundle(t, pl, k1)

	o, err := online.Open(online.OpenRequest{Bundle: good, TrustFiles: []string{trust1}, Params: paramsBytes, Now: now})
	require.NoError(t, err, "Open")
	require.Len(t, o.Payload.Entries, 2, "opened %+v", o)
	require.Len(t, o.TrustedBy, 1, "opened %+v", o)
	require.Equal(t, bundle.SHA256Hex(good), o.BundleSHA256, "opened %+v", o)
	two := signBundle(t, pl, k1, k2)
	_, err = online.Open(online.OpenRequest{Bundle: two, TrustFiles: []string{trust1, trust2}, Threshold: 2, Params: paramsBytes, Now: now})
	require.NoError(t, err, "two of two")
	// Without the parameters file only an explicit NoParamsCheck opens it.
	_, err = online.Open(online.OpenRequest{Bundle: good, TrustFiles: []string{trust1}, NoParamsCheck: true, Now: now})
	require.NoError(t, err, "NoParamsCheck")

	fail := func(name string, req online.OpenRequest, want error) {
		t.Helper()
		if req.Now.IsZero() {
			req.Now = now
		}
		if req.Params == nil && !req.NoParamsCheck {
			req.Params = paramsBytes
		}
		_, err := online.Open(req)
		assert.ErrorIs(t, err, want, "%s: error %v, want %v", name, err, want)
		// Each is a kind the online CLI's table has a hint for (TestHintTable).
		assert.False(t, len(verify.Problems(err)) == 0 && !errors.Is(err, online.ErrNoTrust) && !errors.Is(err, online.ErrNoParams), "%s: not a kind the CLI has a hint for: %v", name, err)
	}
	fail("untrusted signer", online.OpenRequest{Bundle: good, TrustFiles: []string{trust2}}, verify.ErrUntrusted)
	fail("threshold not met", online.OpenRequest{Bundle: good, TrustFiles: []string{trust1, trust2}, Threshold: 2}, verify.ErrUntrusted)
	fail("no trust", online.OpenRequest{Bundle: good}, kmsimport.ErrUsage)
	fail("no trust", online.OpenRequest{Bundle: good}, online.ErrNoTrust)
	_, err = online.Open(online.OpenRequest{Bundle: good, TrustFiles: []string{trust1}, Now: now})
	if assert.ErrorIs(t, err, online.ErrNoParams, "no parameters file: %v", err) {
		assert.ErrorIs(t, err, kmsimport.ErrUsage, "no parameters file: %v", err)
	}
	fail("expired parameters", online.OpenRequest{Bundle: good, TrustFiles: []string{trust1}, Now: now.Add(25 * time.Hour)}, verify.ErrParamsExpired)

	// Tampered: the payload changed after signing (re-encoded validly).
	tampered := strings.Replace(string(good), `"payload": "`, `"payload": "`+"eyJ0", 1)
	fail("tampered", online.OpenRequest{Bundle: []byte(tampered), TrustFiles: []string{trust1}}, verify.ErrUntrusted)
	pl2 := *pl
	pl2.Operators = []string{"Mallory"}
	forged := signBundle(t, &pl2, k2) // signed, but by the wrong key, then given k1's keyid
	forged = []byte(strings.Replace(string(forged), mustKeyID(t, k2), mustKeyID(t, k1), 1))
	fail("forged", online.OpenRequest{Bundle: forged, TrustFiles: []string{trust1}}, verify.ErrUntrusted)

	// Parameters other than the ones it answers.
	other := e.prepare(t, string(kmsrules.RSAESOAEPSHA256), keys...)
	otherBytes, _ := bundle.MarshalParams(other)
	_, err = online.Open(online.OpenRequest{Bundle: good, TrustFiles: []string{trust1}, Params: otherBytes, Now: now})
	require.ErrorIs(t, err, verify.ErrBinding, "other params: %v", err)
}

func mustKeyID(t *testing.T, k crypto.Signer) string {
	t.Helper()
	id, err := bundle.KeyID(k.Public())
	require.NoError(t, err)
	return id
}

// A bundle that fails verification never produces an AWS request: the whole
// of submit's offline checks run before a client is even used.
func TestRefusedBundleMakesNoRequest(t *testing.T) {
	e := newEnv(t)
	params := e.prepare(t, string(kmsrules.RSAESOAEPSHA256), e.createKey(t))
	pb, _ := bundle.MarshalParams(params)
	pl, _ := payload(t, params, pb)
	k, trust := signer(t)
	_, wrongTrust := signer(t)
	good := signBundle(t, pl, k)
	e.tr.Reset()
	for name, req := range map[string]online.OpenRequest{
		"untrusted": {Bundle: good, TrustFiles: []string{wrongTrust}, Params: pb, Now: time.Now()},
		"expired":   {Bundle: good, TrustFiles: []string{trust}, Params: pb, Now: time.Now().Add(48 * time.Hour)},
		"tampered":  {Bundle: []byte(strings.Replace(string(good), "signatures", "signaturez", 1)), TrustFiles: []string{trust}, Params: pb, Now: time.Now()},
		"no params": {Bundle: good, TrustFiles: []string{trust}, Now: time.Now()},
	} {
		_, err := online.Open(req)
		assert.Error(t, err, "%s: opened", name)
	}
	n := e.tr.Count("")
	require.Equal(t, 0, n, "%d AWS requests", n)
	// And the good one goes through Submit.
	o, err := online.Open(online.OpenRequest{Bundle: good, TrustFiles: []string{trust}, Params: pb, Now: time.Now()})
	require.NoError(t, err)
	_, err = kmsimport.Submit(context.Background(), e.api, kmsimport.SubmitRequest{Payload: o.Payload, BundleSHA256: o.BundleSHA256})
	require.NoError(t, err)
}
