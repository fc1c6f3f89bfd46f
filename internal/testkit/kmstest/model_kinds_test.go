package kmstest

import (
	"bufio"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/stretchr/testify/require"
)

// HMAC keys: the material's length is the key spec's, GenerateMac is HMAC
// over the imported bytes, and the symmetric-only fields and operations
// are refused.
func TestModelHMAC(t *testing.T) {
	m, c := modelClient(t, 1)
	for _, tc := range []struct {
		spec, alg string
		size      int
		sum       func([]byte, []byte) []byte
	}{
		{"HMAC_224", "HMAC_SHA_224", 28, func(k, msg []byte) []byte { h := hmac.New(sha256.New224, k); h.Write(msg); return h.Sum(nil) }},
		{"HMAC_512", "HMAC_SHA_512", 64, func(k, msg []byte) []byte { h := hmac.New(sha512.New, k); h.Write(msg); return h.Sum(nil) }},
	} {
		arn := aws.ToString(createKey(t, c, tc.spec, "GENERATE_VERIFY_MAC", false).Arn)
		_, err := importInto(t, m, c, arn, random(tc.size+1), imp{})
		require.Equal(t, "IncorrectKeyMaterialException", code(err), "%s: %d bytes", tc.spec, tc.size+1)
		mat := random(tc.size)
		_, err = importInto(t, m, c, arn, mat, imp{importType: "EXISTING_KEY_MATERIAL"})
		require.Equal(t, "UnsupportedOperationException", code(err), "%s: ImportType", tc.spec)
		_, err = importInto(t, m, c, arn, mat, imp{description: "x"})
		require.Equal(t, "UnsupportedOperationException", code(err), "%s: KeyMaterialDescription", tc.spec)
		out, err := importInto(t, m, c, arn, mat, imp{})
		require.NoError(t, err, "%s: import", tc.spec)
		require.Nil(t, out.KeyMaterialId, "%s: no KeyMaterialId outside symmetric keys", tc.spec)
		_, err = importInto(t, m, c, arn, random(tc.size), imp{})
		require.Equal(t, "IncorrectKeyMaterialException", code(err), "%s: other material", tc.spec)
		mustImport(t, m, c, arn, mat, imp{}) // the same again

		msg := []byte("challenge")
		mac, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: aws.String(arn), Message: msg, MacAlgorithm: types.MacAlgorithmSpec(tc.alg)})
		require.NoError(t, err, "%s: GenerateMac", tc.spec)
		require.Equal(t, tc.sum(mat, msg), mac.Mac, "%s: the MAC is HMAC over the imported material", tc.spec)
		v, err := c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: aws.String(arn), Message: msg, Mac: mac.Mac, MacAlgorithm: types.MacAlgorithmSpec(tc.alg)})
		require.NoError(t, err)
		require.True(t, v.MacValid)
		_, err = c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: aws.String(arn), Message: []byte("other"), Mac: mac.Mac, MacAlgorithm: types.MacAlgorithmSpec(tc.alg)})
		require.Equal(t, "KMSInvalidMacException", code(err))
		_, err = c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: aws.String(arn), Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
		require.Equal(t, "InvalidKeyUsageException", code(err), "%s: another MAC algorithm", tc.spec)
		_, err = c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(arn)})
		require.Equal(t, "UnsupportedOperationException", code(err), "%s: rotation", tc.spec)
		_, err = c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: aws.String(arn)})
		require.Equal(t, "UnsupportedOperationException", code(err), "%s: ListKeyRotations", tc.spec)
		_, err = c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(arn)})
		require.Equal(t, "UnsupportedOperationException", code(err), "%s: GetPublicKey", tc.spec)
		require.Nil(t, describe(t, c, arn).CurrentKeyMaterialId, "%s: CurrentKeyMaterialId is for symmetric keys", tc.spec)
	}
	_, err := c.CreateKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternal, KeySpec: types.KeySpecHmac256})
	require.Equal(t, "ValidationException", code(err), "an HMAC key needs KeyUsage GENERATE_VERIFY_MAC")
}

// Asymmetric keys: PKCS#8 of the key spec's type and size or curve,
// wrapped with RSA_AES_KEY_WRAP (OpenSSL unwraps it in the model) or
// RSA-OAEP where it fits, under RSA_3072 and RSA_4096 wrapping keys;
// GetPublicKey and Sign answer from the imported key.
func TestModelAsymmetric(t *testing.T) {
	m, c := modelClient(t, 1)

	// RSA_2048, signing, RSA_AES_KEY_WRAP_SHA_256 under RSA_4096.
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(rk)
	require.NoError(t, err)
	arn := aws.ToString(createKey(t, c, "RSA_2048", "SIGN_VERIFY", false).Arn)
	_, err = c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: aws.String(arn), WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa4096})
	require.Equal(t, "ValidationException", code(err), "RSA-OAEP cannot carry an RSA key")
	other, err := rsa.GenerateKey(rand.Reader, 3072)
	require.NoError(t, err)
	otherDER, _ := x509.MarshalPKCS8PrivateKey(other)
	_, err = importInto(t, m, c, arn, otherDER, imp{alg: "RSA_AES_KEY_WRAP_SHA_256", wrapSpec: "RSA_3072"})
	require.Equal(t, "IncorrectKeyMaterialException", code(err), "an RSA-3072 key for RSA_2048")
	_, err = importInto(t, m, c, arn, append(append([]byte(nil), der...), 0, 0), imp{alg: "RSA_AES_KEY_WRAP_SHA_1", wrapSpec: "RSA_3072"})
	require.Equal(t, "IncorrectKeyMaterialException", code(err), "PKCS#8 with trailing zeros (SoftHSM 2.6.1's key wrap)")
	mustImport(t, m, c, arn, der, imp{alg: "RSA_AES_KEY_WRAP_SHA_256", wrapSpec: "RSA_4096"})
	pub, err := c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(arn)})
	require.NoError(t, err)
	want, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	require.Equal(t, want, pub.PublicKey, "GetPublicKey is the imported key's public key")
	require.Contains(t, pub.SigningAlgorithms, types.SigningAlgorithmSpecRsassaPssSha256)
	msg := []byte("prove it")
	sig, err := c.Sign(ctx, &kms.SignInput{KeyId: aws.String(arn), Message: msg, SigningAlgorithm: types.SigningAlgorithmSpecRsassaPssSha256})
	require.NoError(t, err, "Sign")
	d := sha256.Sum256(msg)
	require.NoError(t, rsa.VerifyPSS(&rk.PublicKey, crypto.SHA256, d[:], sig.Signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}))

	// ECC_NIST_P256 with RSA-OAEP (it fits), signing.
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	eder, _ := x509.MarshalPKCS8PrivateKey(ek)
	earn := aws.ToString(createKey(t, c, "ECC_NIST_P256", "SIGN_VERIFY", false).Arn)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384der, _ := x509.MarshalPKCS8PrivateKey(p384)
	_, err = importInto(t, m, c, earn, p384der, imp{alg: "RSA_AES_KEY_WRAP_SHA_256"})
	require.Equal(t, "IncorrectKeyMaterialException", code(err), "a P-384 key for ECC_NIST_P256")
	mustImport(t, m, c, earn, eder, imp{alg: "RSAES_OAEP_SHA_256"})
	epub, err := c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(earn)})
	require.NoError(t, err)
	ewant, _ := x509.MarshalPKIXPublicKey(&ek.PublicKey)
	require.Equal(t, ewant, epub.PublicKey)
	esig, err := c.Sign(ctx, &kms.SignInput{KeyId: aws.String(earn), Message: msg, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
	require.NoError(t, err)
	require.True(t, ecdsa.VerifyASN1(&ek.PublicKey, d[:], esig.Signature), "ECDSA signature verifies")

	// ECC_NIST_P521 does not fit RSA_2048 with RSA-OAEP.
	parn := aws.ToString(createKey(t, c, "ECC_NIST_P521", "SIGN_VERIFY", false).Arn)
	_, err = c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: aws.String(parn), WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha1, WrappingKeySpec: types.WrappingKeySpecRsa2048})
	require.Equal(t, "ValidationException", code(err), "P-521 under RSA_2048 OAEP")
}

// ECC_SECG_P256K1, which Go's x509 cannot parse: OpenSSL makes the key and
// states its public key and checks the model's signature.
func TestModelSecp256k1(t *testing.T) {
	m, c := modelClient(t, 1)
	dir := t.TempDir()
	keyPEM, pubDER, sigPath := filepath.Join(dir, "k.pem"), filepath.Join(dir, "pub.der"), filepath.Join(dir, "sig.der")
	ossl := func(args ...string) []byte {
		out, err := exec.Command("openssl", args...).Output()
		require.NoError(t, err, "openssl %v", args)
		return out
	}
	ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", keyPEM)
	ossl("pkey", "-in", keyPEM, "-pubout", "-outform", "DER", "-out", pubDER)
	raw, err := os.ReadFile(keyPEM)
	require.NoError(t, err)
	blk, _ := pem.Decode(raw)
	require.NotNil(t, blk, "openssl's PEM")

	arn := aws.ToString(createKey(t, c, "ECC_SECG_P256K1", "SIGN_VERIFY", false).Arn)
	mustImport(t, m, c, arn, blk.Bytes, imp{alg: "RSA_AES_KEY_WRAP_SHA_1"})
	pub, err := c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(arn)})
	require.NoError(t, err)
	want, err := os.ReadFile(pubDER)
	require.NoError(t, err)
	require.Equal(t, want, pub.PublicKey, "GetPublicKey equals OpenSSL's public key")

	msg := []byte("secp256k1 proof")
	sig, err := c.Sign(ctx, &kms.SignInput{KeyId: aws.String(arn), Message: msg, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(sigPath, sig.Signature, 0o600))
	msgPath := filepath.Join(dir, "msg")
	require.NoError(t, os.WriteFile(msgPath, msg, 0o600))
	out := ossl("dgst", "-sha256", "-prverify", keyPEM, "-signature", sigPath, msgPath)
	require.Contains(t, string(out), "Verified OK", "OpenSSL verifies the model's signature")
}

// Expiry: when the model's clock passes ValidTo, the material is deleted
// and the key is PendingImport; the same material restores it.
func TestModelExpiry(t *testing.T) {
	m, c := modelClient(t, 1)
	arn := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false).Arn)
	mat := random(32)
	id := mustImport(t, m, c, arn, mat, imp{validTo: m.Now().Add(2 * time.Hour)})
	blob := encrypt(t, c, arn, []byte("expiring"))
	m.Advance(time.Hour)
	require.Equal(t, types.KeyStateEnabled, describe(t, c, arn).KeyState, "before ValidTo")
	m.Advance(2 * time.Hour)
	require.Equal(t, types.KeyStatePendingImport, describe(t, c, arn).KeyState, "after ValidTo")
	require.Equal(t, types.ImportStatePendingImport, materials(t, c, arn)[id].ImportState)
	_, err := decrypt(c, arn, blob)
	require.Equal(t, "KMSInvalidStateException", code(err))
	require.Equal(t, id, mustImport(t, m, c, arn, mat, imp{importType: "EXISTING_KEY_MATERIAL", materialID: id, noExpiry: true}))
	plain, err := decrypt(c, arn, blob)
	require.NoError(t, err)
	require.Equal(t, "expiring", string(plain))
	m.Advance(400 * 24 * time.Hour)
	require.Equal(t, types.KeyStateEnabled, describe(t, c, arn).KeyState, "KEY_MATERIAL_DOES_NOT_EXPIRE")
}

// ScheduleKeyDeletion: the key is PendingDeletion, refuses imports, and is
// gone after the waiting period.
func TestModelScheduleKeyDeletion(t *testing.T) {
	m, c := modelClient(t, 1)
	arn := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false).Arn)
	_, err := c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: aws.String(arn), WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
	require.NoError(t, err)
	out, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(arn), PendingWindowInDays: aws.Int32(7)})
	require.NoError(t, err)
	require.Equal(t, types.KeyStatePendingDeletion, out.KeyState)
	d := describe(t, c, arn)
	require.Equal(t, types.KeyStatePendingDeletion, d.KeyState)
	require.NotNil(t, d.DeletionDate)
	_, err = c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: aws.String(arn), WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
	require.Equal(t, "KMSInvalidStateException", code(err))
	m.Advance(8 * 24 * time.Hour)
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arn)})
	require.Equal(t, "NotFoundException", code(err), "deleted after the waiting period")

	// A multi-Region primary waits for its replicas: PendingReplicaDeletion,
	// no deletion date, until the last replica is deleted.
	parn := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", true).Arn)
	rep, err := c.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(parn), ReplicaRegion: aws.String("us-west-2")})
	require.NoError(t, err)
	rarn := aws.ToString(rep.ReplicaKeyMetadata.Arn)
	po, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(parn), PendingWindowInDays: aws.Int32(7)})
	require.NoError(t, err)
	require.Equal(t, types.KeyStatePendingReplicaDeletion, po.KeyState)
	require.Nil(t, po.DeletionDate, "no deletion date while replicas exist")
	_, err = c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(rarn), PendingWindowInDays: aws.Int32(7)},
		func(o *kms.Options) { o.Region = "us-west-2" })
	require.NoError(t, err, "schedule the replica's deletion in its Region")
	m.Advance(8 * 24 * time.Hour)
	_, err = kmsimport.ForKey(c, rarn).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(rarn)})
	require.Equal(t, "NotFoundException", code(err), "the replica is deleted")
	d = describe(t, c, parn)
	require.Equal(t, types.KeyStatePendingDeletion, d.KeyState, "the primary's waiting period begins")
	require.NotNil(t, d.DeletionDate)
	m.Advance(8 * 24 * time.Hour)
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(parn)})
	require.Equal(t, "NotFoundException", code(err), "the primary is deleted")
}

// Inject answers one call with an error; Requests records every request
// with its signed Region and the answer.
func TestModelInjectAndRecord(t *testing.T) {
	m, c := modelClient(t, 1)
	arn := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false).Arn)
	m.Inject("DescribeKey", "ThrottlingException", 1)
	_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arn)})
	require.Equal(t, "ThrottlingException", code(err), "injected")
	describe(t, c, arn)
	_, err = kmsimport.InRegion(c, "ap-southeast-2").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arn)})
	require.Equal(t, "NotFoundException", code(err), "the key lives in eu-west-2 only")
	require.Equal(t, []string{
		"eu-west-2 CreateKey",
		"eu-west-2 DescribeKey -> ThrottlingException",
		"eu-west-2 DescribeKey",
		"ap-southeast-2 DescribeKey -> NotFoundException",
	}, m.Calls())
	r := m.Requests()[2]
	require.Equal(t, arn, r.Body["KeyId"], "the request body as the SDK serialized it")
	require.Equal(t, 200, r.Status)

	// With the SDK's retries on, an injected KMSInternalException (500)
	// is retried and the call succeeds.
	m3, c3 := modelClient(t, 3)
	m3.Inject("CreateKey", "KMSInternalException", 1)
	createKey(t, c3, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false)
	require.Equal(t, []string{"eu-west-2 CreateKey -> KMSInternalException", "eu-west-2 CreateKey"}, m3.Calls())
	require.Equal(t, 500, m3.Requests()[0].Status)
}

// The kmsmodel command prints its URL first and serves the model there.
func TestModelCommand(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kmsmodel")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kmsmodel")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	cmd := exec.Command(bin, "-account", "444455556666", "-now", "2030-01-02T03:04:05Z")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "the URL line")
	url := strings.TrimSpace(line)
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), "first line %q", line)
	SetEnv(t, ModelEnv(url, "eu-central-1"))
	cl, err := kmsimport.NewClient(ctx, kmsimport.ClientOptions{EndpointURL: url, MaxAttempts: 1})
	require.NoError(t, err)
	k, err := cl.CreateKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(aws.ToString(k.KeyMetadata.Arn), "arn:aws:kms:eu-central-1:444455556666:key/"), "ARN %s", aws.ToString(k.KeyMetadata.Arn))
	require.WithinDuration(t, time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), aws.ToTime(k.KeyMetadata.CreationDate), time.Minute, "the -now clock")
}
