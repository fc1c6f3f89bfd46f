package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/verify"
)

// prepare --sign-kms-key with a real ECC_NIST_P384 signing key on
// local-kms; the signed parameters verify under the key's public half; a
// bundle wrapped from them (bound to the signed file) is submitted with
// --params SIGNED and imported; the unsigned payload is not accepted as --params.
func TestPrepareSignKMSKeyThenSubmit(t *testing.T) {
	srv := kmstest.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	api, err := kmsimport.NewClient(ctx, kmsimport.ClientOptions{})
	require.NoError(t, err)
	sk, err := api.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP384, KeyUsage: types.KeyUsageTypeSignVerify})
	require.NoError(t, err)
	pubOut, err := api.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: sk.KeyMetadata.Arn})
	require.NoError(t, err)
	key, err := kmsimport.CreateKey(ctx, api, kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "signed params"})
	require.NoError(t, err)
	dir := t.TempDir()
	at := func(n string) string { return filepath.Join(dir, n) }
	online := func(want int, args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"airwrap-online"}, args...), &stdout, &stderr)
		require.Equal(t, want, code, "airwrap-online %s: exit %d, want %d\n%s", args[0], code, want, stderr.String())
		return stdout.String() + stderr.String()
	}
	online(0, "prepare", "--key-id", key.ARN, "--wrapping-key-spec", "RSA_2048", "--wrapping-algorithm", "RSAES_OAEP_SHA_1",
		"--sign-kms-key", aws.ToString(sk.KeyMetadata.Arn), "--out", at("signed.json"))
	signed, err := os.ReadFile(at("signed.json"))
	require.NoError(t, err)
	sp, err := bundle.ParseSignedParams(signed)
	require.NoError(t, err)
	trust, err := verify.LoadTrust(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubOut.PublicKey}))
	require.NoError(t, err)
	_, _, err = verify.VerifySignedParams(sp.Envelope, []verify.TrustedKey{trust}, 1)
	require.NoError(t, err, "signed by the KMS key")

	// What the offline half does, with Go's OAEP in place of the HSM.
	pe := sp.Params.Entries[0]
	pub, err := x509.ParsePKIXPublicKey(pe.PublicKey)
	require.NoError(t, err)
	material := make([]byte, 32)
	rand.Read(material)
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, pub.(*rsa.PublicKey), material, nil)
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Second)
	validTo := now.Add(30 * 24 * time.Hour)
	pl := &bundle.ImportPayload{
		Type: bundle.ImportType, ParamsSHA256: bundle.SHA256Hex(signed), ParamsFormat: bundle.ParamsFormatSigned,
		Token:       bundle.TokenIdentity{Manufacturer: "test", Model: "go", Serial: "1", Label: "t"},
		ToolVersion: "test", StartedAt: now, CreatedAt: now, Operators: []string{}, TranscriptSHA256: bundle.SHA256Hex(nil),
		Entries: []bundle.ImportEntry{{
			KeyARN: pe.KeyARN, KeySpec: pe.KeySpec, WrappingAlgorithm: pe.WrappingAlgorithm, WrappingKeySpec: pe.WrappingKeySpec,
			WrappingPublicKeySHA256: bundle.SHA256Hex(pe.PublicKey), ImportToken: pe.ImportToken, EncryptedKeyMaterial: ct,
			ParametersValidTo: pe.ParametersValidTo, ExpirationModel: kmsrules.ExpiresModel, ValidTo: &validTo,
			HSMKey: bundle.HSMKeyRef{Label: "k", ID: "01", CheckValue: "000000", CheckMethod: bundle.CheckMethodAESKCV},
		}},
	}
	raw, err := bundle.MarshalImportPayload(pl)
	require.NoError(t, err)
	officer, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	env, err := bundle.SignEnvelope(bundle.ImportPayloadType, raw, officer)
	require.NoError(t, err)
	file, err := bundle.MarshalEnvelope(env)
	require.NoError(t, err)
	der, _ := x509.MarshalPKIXPublicKey(officer.Public())
	for name, data := range map[string][]byte{
		"import.json": file, "officer.pem": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), "plain.json": sp.Raw,
	} {
		require.NoError(t, os.WriteFile(at(name), data, 0o644))
	}
	out := online(1, "submit", at("import.json"), "--trust", at("officer.pem"), "--params", at("plain.json"), "--receipt", at("r0.json"))
	require.Contains(t, out, "params_sha256: bundle binding does not hold", "unsigned payload accepted as --params:\n%s", out)
	out = online(0, "submit", at("import.json"), "--trust", at("officer.pem"), "--params", at("signed.json"), "--receipt", at("r.json"))
	require.Contains(t, out, ": imported", "submit:\n%s", out)
}
