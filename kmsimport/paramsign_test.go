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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/verify"
)

func pkcs8PEM(t *testing.T, k any) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func trustFor(t *testing.T, pub crypto.PublicKey) verify.TrustedKey {
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	k, err := verify.LoadTrust(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	require.NoError(t, err)
	return k
}

// signAndCheck signs a parameters file and verifies it independently of the
// signer, as the offline side would (wrap --params-trust).
func signAndCheck(t *testing.T, paramsFile []byte, s crypto.Signer) {
	t.Helper()
	signed, err := bundle.SignParams(paramsFile, s)
	require.NoError(t, err, "SignParams")
	sp, err := bundle.ParseSignedParams(signed)
	require.NoError(t, err)
	raw, _, err := verify.VerifySignedParams(sp.Envelope, []verify.TrustedKey{trustFor(t, s.Public())}, 1)
	require.NoError(t, err, "verify")
	require.Equal(t, string(paramsFile), string(raw), "verify: %v", err)
}

// A KMS ECC signing key signs parameters for real: local-kms signs the
// digest (MessageType DIGEST) and Go's crypto/ecdsa verifies it.
func TestKMSSignerLocalKMS(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key := e.createKey(t)
	paramsFile, err := bundle.MarshalParams(e.prepare(t, "RSAES_OAEP_SHA_256", key))
	require.NoError(t, err)
	for _, spec := range []types.KeySpec{types.KeySpecEccNistP384, types.KeySpecEccNistP256} {
		t.Run(string(spec), func(t *testing.T) {
			out, err := e.api.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: spec, KeyUsage: types.KeyUsageTypeSignVerify})
			require.NoError(t, err)
			s, err := kmsimport.NewKMSSigner(ctx, e.api, aws.ToString(out.KeyMetadata.Arn))
			require.NoError(t, err)
			signAndCheck(t, paramsFile, s)
		})
	}
	// local-kms signs RSASSA_PSS with the largest salt, AWS KMS with a salt
	// of the hash's length (what airwrap verifies): the check right after
	// signing catches the difference instead of writing a bad file.
	out, err := e.api.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa3072, KeyUsage: types.KeyUsageTypeSignVerify})
	require.NoError(t, err)
	s, err := kmsimport.NewKMSSigner(ctx, e.api, aws.ToString(out.KeyMetadata.Arn))
	require.NoError(t, err)
	_, err = bundle.SignParams(paramsFile, s)
	require.ErrorIs(t, err, bundle.ErrSignature, "local-kms RSA-PSS (salt length: max) accepted: %v", err)
	// An encryption key, or a key that does not exist, is refused before any signing.
	_, err = kmsimport.NewKMSSigner(ctx, e.api, key)
	require.Error(t, err, "a SYMMETRIC_DEFAULT key was accepted as a signer")
	_, err = kmsimport.NewKMSSigner(ctx, e.api, "arn:aws:kms:eu-west-2:111122223333:key/00000000-0000-0000-0000-000000000000")
	require.ErrorIs(t, err, kmsimport.ErrNotFound, "missing key: %v", err)
}

// fakeSign records the Sign request and signs like AWS KMS does (PSS salt =
// hash length), to pin the request shapes where local-kms differs.
type fakeSign struct {
	priv crypto.Signer
	spec types.KeySpec
	req  *kms.SignInput
}

func (f *fakeSign) GetPublicKey(_ context.Context, in *kms.GetPublicKeyInput, _ ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	der, err := x509.MarshalPKIXPublicKey(f.priv.Public())
	if err != nil {
		return nil, err
	}
	return &kms.GetPublicKeyOutput{KeyId: in.KeyId, PublicKey: der, KeySpec: f.spec, KeyUsage: types.KeyUsageTypeSignVerify}, nil
}

func (f *fakeSign) Sign(_ context.Context, in *kms.SignInput, _ ...func(*kms.Options)) (*kms.SignOutput, error) {
	f.req = in
	var opts crypto.SignerOpts
	switch in.SigningAlgorithm {
	case types.SigningAlgorithmSpecEcdsaSha384:
		opts = crypto.SHA384
	case types.SigningAlgorithmSpecEcdsaSha256:
		opts = crypto.SHA256
	case types.SigningAlgorithmSpecRsassaPssSha256:
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	}
	sig, err := f.priv.Sign(rand.Reader, in.Message, opts)
	return &kms.SignOutput{Signature: sig, SigningAlgorithm: in.SigningAlgorithm}, err
}

func TestKMSSignerRequestShapes(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	r3072 := keys.Signer(t, "test-signer-rsa3072")
	paramsFile := readTestdata(t, "params/valid-one-entry.json")
	for _, c := range []struct {
		priv crypto.Signer
		spec types.KeySpec
		alg  types.SigningAlgorithmSpec
		size int
	}{
		{p384, types.KeySpecEccNistP384, types.SigningAlgorithmSpecEcdsaSha384, 48},
		{p256, types.KeySpecEccNistP256, types.SigningAlgorithmSpecEcdsaSha256, 32},
		{r3072, types.KeySpecRsa3072, types.SigningAlgorithmSpecRsassaPssSha256, 32},
	} {
		t.Run(string(c.spec), func(t *testing.T) {
			f := &fakeSign{priv: c.priv, spec: c.spec}
			s, err := kmsimport.NewKMSSigner(context.Background(), f, "arn:aws:kms:eu-west-2:111122223333:key/k")
			require.NoError(t, err)
			signAndCheck(t, paramsFile, s)
			require.Equal(t, types.MessageTypeDigest, f.req.MessageType, "Sign request: %s %s %d bytes", f.req.MessageType, f.req.SigningAlgorithm, len(f.req.Message))
			require.Equal(t, c.alg, f.req.SigningAlgorithm, "Sign request: %s %s %d bytes", f.req.MessageType, f.req.SigningAlgorithm, len(f.req.Message))
			require.Len(t, f.req.Message, c.size, "Sign request: %s %s %d bytes", f.req.MessageType, f.req.SigningAlgorithm, len(f.req.Message))
		})
	}
}

func readTestdata(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "bundle", "testdata", rel))
	require.NoError(t, err)
	return b
}

// --sign-key files: every bad file is refused with its exact error.
func TestLoadSigningKeyFile(t *testing.T) {
	dir := t.TempDir()
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	r2048, _ := rsa.GenerateKey(rand.Reader, 2048)
	good := pkcs8PEM(t, p384)
	sec1, _ := x509.MarshalECPrivateKey(p384)
	pubDER, _ := x509.MarshalPKIXPublicKey(p384.Public())
	cases := []struct {
		name string
		data []byte
		mode os.FileMode
		msg  string // after "PATH: "
	}{
		{"ok-p384", good, 0o600, ""},
		{"ok-rsa3072", readTestdata(t, "keys/test-signer-rsa3072.key.pem"), 0o400, ""},
		{"group-readable", good, 0o640, "parameters signing key is not acceptable: mode 0640 lets others read or change it"},
		{"world-readable", good, 0o644, "parameters signing key is not acceptable: mode 0644 lets others read or change it"},
		{"not-pem", []byte("hello"), 0o600, "parameters signing key is not acceptable: no PEM block (want -----BEGIN PRIVATE KEY-----, PKCS#8)"},
		{"public-key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o600, `parameters signing key is not acceptable: PEM block "PUBLIC KEY", want "PRIVATE KEY" (PKCS#8: openssl pkcs8 -topk8 -nocrypt)`},
		{"sec1", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}), 0o600, `parameters signing key is not acceptable: PEM block "EC PRIVATE KEY", want "PRIVATE KEY" (PKCS#8: openssl pkcs8 -topk8 -nocrypt)`},
		{"p224", pkcs8PEM(t, p224), 0o600, "parameters signing key is not acceptable: ECDSA on P-224 (want P-256 or P-384)"},
		{"rsa2048", pkcs8PEM(t, r2048), 0o600, "parameters signing key is not acceptable: RSA 2048 bits (want at least 3072)"},
		{"two-blocks", append(append([]byte{}, good...), good...), 0o600, "parameters signing key is not acceptable: more than one PEM block or trailing data (one key per file)"},
		{"trailing-garbage", append(append([]byte{}, good...), "x"...), 0o600, "parameters signing key is not acceptable: more than one PEM block or trailing data (one key per file)"},
		{"headers", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: []byte{1}}), 0o600, "parameters signing key is not acceptable: PEM headers are not expected (an encrypted key?)"},
		{"oversized", make([]byte, 64<<10+1), 0o600, "parameters signing key is not acceptable: larger than 65536 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".pem")
			err := os.WriteFile(p, c.data, c.mode)
			require.NoError(t, err)
			err = os.Chmod(p, c.mode)
			require.NoError(t, err)
			s, err := kmsimport.LoadSigningKeyFile(p)
			if c.msg == "" {
				require.NoError(t, err)
				require.NotNil(t, s, err)
				return
			}
			require.ErrorIs(t, err, kmsimport.ErrParamsSigner, "got  %v\nwant %s: %s", err, p, c.msg)
			require.Equal(t, p+": "+c.msg, err.Error(), "got  %v\nwant %s: %s", err, p, c.msg)
		})
	}
	_, err := kmsimport.LoadSigningKeyFile(filepath.Join(dir, "missing.pem"))
	require.ErrorIs(t, err, os.ErrNotExist, "missing file: %v", err)
}
