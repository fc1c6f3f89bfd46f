package kmsimport_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// env is one local-kms and a client to it through a recording transport.
type env struct {
	srv *kmstest.Server
	tr  *kmstest.Transport
	api *kms.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := kmstest.Start(t)
	srv.SetEnv(t)
	tr := kmstest.NewTransport()
	return &env{srv: srv, tr: tr, api: newClient(t, tr, 0)}
}

// newClient goes through kmsimport.NewClient: the standard configuration
// (environment set by SetEnv), short backoff so fault tests stay quick.
func newClient(t *testing.T, tr *kmstest.Transport, attempts int) *kms.Client {
	t.Helper()
	c, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{
		HTTPClient:  tr.Client(),
		MaxAttempts: attempts,
		MaxBackoff:  20 * time.Millisecond,
	})
	require.NoError(t, err, "NewClient")
	return c
}

func (e *env) createKey(t *testing.T) string {
	t.Helper()
	info, err := kmsimport.CreateKey(context.Background(), e.api, kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "airwrap test"})
	require.NoError(t, err, "CreateKey")
	return info.ARN
}

// prepare fetches fresh parameters for keys with alg under RSA_2048 (all
// local-kms can do).
func (e *env) prepare(t *testing.T, alg string, keys ...string) *bundle.Params {
	t.Helper()
	p, err := kmsimport.Prepare(context.Background(), e.api, kmsimport.PrepareRequest{
		KeyIDs: keys, WrappingAlgorithm: alg, WrappingKeySpec: "RSA_2048", Rate: 1000, ToolVersion: "test",
	})
	require.NoError(t, err, "Prepare")
	return p
}

// wrap builds an import entry the way the offline half does, but with Go's
// RSA-OAEP standing in for the HSM: material under the params' public key
// with the params' algorithm (or alg when given).
func wrap(t *testing.T, pe bundle.ParamsEntry, material []byte, alg string) bundle.ImportEntry {
	t.Helper()
	if alg == "" {
		alg = pe.WrappingAlgorithm
	}
	pub, err := x509.ParsePKIXPublicKey(pe.PublicKey)
	require.NoError(t, err)
	wa, err := kmsrules.ParseWrappingAlgorithm(alg)
	require.NoError(t, err)
	h := wa.Hash()
	ct, err := rsa.EncryptOAEP(h.New(), rand.Reader, pub.(*rsa.PublicKey), material, nil)
	require.NoError(t, err)
	validTo := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
	return bundle.ImportEntry{
		KeyARN:                  pe.KeyARN,
		KeySpec:                 pe.KeySpec,
		WrappingAlgorithm:       pe.WrappingAlgorithm,
		WrappingKeySpec:         pe.WrappingKeySpec,
		WrappingPublicKeySHA256: bundle.SHA256Hex(pe.PublicKey),
		ImportToken:             pe.ImportToken,
		EncryptedKeyMaterial:    ct,
		ParametersValidTo:       pe.ParametersValidTo,
		ExpirationModel:         kmsrules.ExpiresModel,
		ValidTo:                 &validTo,
		HSMKey:                  bundle.HSMKeyRef{Label: "test-key", ID: "01", CheckValue: "000000", CheckMethod: bundle.CheckMethodAESKCV},
	}
}

// payload wraps one fresh random material per params entry.
func payload(t *testing.T, p *bundle.Params, paramsBytes []byte) (*bundle.ImportPayload, [][]byte) {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	out := &bundle.ImportPayload{
		Type: bundle.ImportType, ParamsSHA256: bundle.SHA256Hex(paramsBytes), ParamsFormat: bundle.ParamsType,
		Token:       bundle.TokenIdentity{Manufacturer: "test", Model: "go", Serial: "1", Label: "test"},
		ToolVersion: "test", StartedAt: now, CreatedAt: now, Operators: []string{"Test Operator"},
		TranscriptSHA256: bundle.SHA256Hex([]byte("transcript")),
	}
	var materials [][]byte
	for _, pe := range p.Entries {
		m := make([]byte, 32)
		_, err := rand.Read(m)
		require.NoError(t, err)
		materials = append(materials, m)
		out.Entries = append(out.Entries, wrap(t, pe, m, ""))
	}
	return out, materials
}

func (e *env) submit(t *testing.T, api kmsimport.API, p *bundle.ImportPayload) (*kmsimport.Receipt, error) {
	t.Helper()
	return kmsimport.Submit(context.Background(), api, kmsimport.SubmitRequest{Payload: p, BundleSHA256: "test"})
}

// roundTrip encrypts and decrypts with the key in KMS.
func (e *env) roundTrip(t *testing.T, arn string) {
	t.Helper()
	ctx := context.Background()
	enc, err := e.api.Encrypt(ctx, &kms.EncryptInput{KeyId: &arn, Plaintext: []byte("airwrap round trip")})
	require.NoError(t, err, "Encrypt with %s", arn)
	dec, err := e.api.Decrypt(ctx, &kms.DecryptInput{KeyId: &arn, CiphertextBlob: enc.CiphertextBlob})
	require.NoError(t, err, "Decrypt with %s: %q, %v", arn, dec.Plaintext, err)
	require.Equal(t, "airwrap round trip", string(dec.Plaintext), "Decrypt with %s: %q, %v", arn, dec.Plaintext, err)
}

func outcomes(r *kmsimport.Receipt) []string {
	var out []string
	for _, e := range r.Entries {
		out = append(out, e.Outcome)
	}
	return out
}

// signer is a software ECDSA P-384 key standing in for the HSM's ceremony
// signer; its public key is written as a PEM trust file.
func signer(t *testing.T) (*ecdsa.PrivateKey, string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "signer.pem")
	err = os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644)
	require.NoError(t, err)
	return k, path
}

// signBundle makes the import bundle file: canonical payload in a DSSE
// envelope signed by signers.
func signBundle(t *testing.T, pl *bundle.ImportPayload, signers ...crypto.Signer) []byte {
	t.Helper()
	b, err := bundle.MarshalImportPayload(pl)
	require.NoError(t, err, "MarshalImportPayload")
	env, err := bundle.SignEnvelope(bundle.ImportPayloadType, b, signers...)
	require.NoError(t, err, "SignEnvelope")
	out, err := bundle.MarshalEnvelope(env)
	require.NoError(t, err, "MarshalEnvelope")
	return out
}
