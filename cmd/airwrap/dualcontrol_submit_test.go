package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/require"
)

// Dual control end to end against real parts: parameters from local-kms,
// officer A wraps and signs on one SoftHSM token, officer B cosigns on
// another, and the online half submits only with both signatures when the
// threshold is 2; local-kms really imports the material.
func TestDualControlSubmitThreshold2(t *testing.T) {
	tok := softhsmtest.New(t)
	t.Setenv(envModule, tok.Module)
	t.Setenv(envToken, tok.Label)
	t.Setenv(envPIN, tok.PIN)
	// Officer B's token: a second token in the same SoftHSM configuration.
	init := exec.Command("softhsm2-util", "--init-token", "--free", "--label", "officer-b", "--so-pin", tok.SOPIN, "--pin", tok.PIN)
	init.Env = append(os.Environ(), "SOFTHSM2_CONF="+tok.ConfPath)
	out, err := init.CombinedOutput()
	require.NoError(t, err, "softhsm2-util: %v\n%s", err, out)
	ctx := context.Background()
	srv := kmstest.Start(t)
	srv.SetEnv(t)
	api, err := kmsimport.NewClient(ctx, kmsimport.ClientOptions{})
	require.NoError(t, err)
	info, err := kmsimport.CreateKey(ctx, api, kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "dual control test"})
	require.NoError(t, err)
	params, err := kmsimport.Prepare(ctx, api, kmsimport.PrepareRequest{KeyIDs: []string{info.ARN}, WrappingAlgorithm: "RSAES_OAEP_SHA_1", WrappingKeySpec: "RSA_2048", Rate: 100, ToolVersion: "test"})
	require.NoError(t, err)
	paramsFile, err := bundle.MarshalParams(params)
	require.NoError(t, err)
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	require.NoError(t, os.WriteFile(at("params.json"), paramsFile, 0o644))
	airwrap := func(args ...string) {
		t.Helper()
		os.Setenv(envPIN, tok.PIN) // airwrap unsets it once read; t.Setenv above restores it after the test
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"airwrap"}, args...), nil, &stdout, &stderr)
		require.Zero(t, code, "airwrap %v: exit %d\n%s", args, code, stderr.String())
	}
	airwrap("key", "generate", "--label", "k", "--key-spec", "SYMMETRIC_DEFAULT")
	airwrap("signer", "generate", "--label", "officer-a")
	airwrap("signer", "export", "--label", "officer-a", "--out", at("a.pem"))
	airwrap("--token", "officer-b", "signer", "generate", "--label", "officer-b")
	airwrap("--token", "officer-b", "signer", "export", "--label", "officer-b", "--out", at("b.pem"))
	airwrap("wrap", "--params", at("params.json"), "--key", "k", "--valid-to", time.Now().Add(30*24*time.Hour).UTC().Format(time.RFC3339),
		"--signer", "officer-a", "--out", at("one.json"))
	airwrap("--token", "officer-b", "cosign", at("one.json"), "--signer", "officer-b", "--trust", at("a.pem"), "--out", at("two.json"))

	open := func(name string, trust ...string) (*verify.Opened, error) {
		data, err := os.ReadFile(at(name))
		require.NoError(t, err)
		var files []string
		for _, f := range trust {
			files = append(files, at(f))
		}
		return online.Open(online.OpenRequest{Bundle: data, TrustFiles: files, Threshold: 2, Params: paramsFile, Now: time.Now()})
	}
	_, err = open("one.json", "a.pem", "b.pem")
	require.ErrorIs(t, err, verify.ErrUntrusted, "one signature met threshold 2")
	_, err = open("two.json", "a.pem", "a.pem")
	require.ErrorIs(t, err, verify.ErrUntrusted, "one key pinned twice met threshold 2")
	o, err := open("two.json", "a.pem", "b.pem")
	require.NoError(t, err, "two officers' signatures")
	require.Len(t, o.TrustedBy, 2, "signed by %v", o.TrustedBy)
	r, err := kmsimport.Submit(ctx, api, kmsimport.SubmitRequest{Payload: o.Payload, BundleSHA256: o.BundleSHA256})
	require.NoError(t, err, "submit")
	require.Len(t, r.Entries, 1, "receipt: %+v", r.Entries)
	require.Equal(t, "imported", r.Entries[0].Outcome, "receipt: %+v", r.Entries)
}
