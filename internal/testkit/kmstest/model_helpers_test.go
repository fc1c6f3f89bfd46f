package kmstest

import (
	"context"
	"crypto/aes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"hash"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// modelClient starts a model and returns it with a real AWS SDK client for
// it (kmsimport.NewClient, the client airwrap-online uses), signing for
// Region; attempts 1 turns the SDK's retries off so errors surface.
func modelClient(t *testing.T, attempts int) (*Model, *kms.Client) {
	t.Helper()
	m, url := StartModel(t, ModelOptions{})
	SetEnv(t, ModelEnv(url, Region))
	c, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{EndpointURL: url, MaxAttempts: attempts, MaxBackoff: 50 * time.Millisecond})
	require.NoError(t, err, "kmsimport.NewClient")
	return m, c
}

var ctx = context.Background()

// code is the KMS exception name of err ("" for nil).
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func createKey(t *testing.T, c kmsimport.API, spec, usage string, multi bool) *types.KeyMetadata {
	t.Helper()
	out, err := c.CreateKey(ctx, &kms.CreateKeyInput{
		Origin: types.OriginTypeExternal, KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageType(usage), MultiRegion: aws.Bool(multi),
	})
	require.NoError(t, err, "CreateKey %s", spec)
	return out.KeyMetadata
}

func describe(t *testing.T, c kmsimport.API, arn string) *types.KeyMetadata {
	t.Helper()
	out, err := kmsimport.ForKey(c, arn).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arn)})
	require.NoError(t, err, "DescribeKey %s", arn)
	return out.KeyMetadata
}

// params is one GetParametersForImport answer, in the key's own Region.
func params(t *testing.T, c kmsimport.API, arn, alg, spec string) *kms.GetParametersForImportOutput {
	t.Helper()
	out, err := kmsimport.ForKey(c, arn).GetParametersForImport(ctx, &kms.GetParametersForImportInput{
		KeyId: aws.String(arn), WrappingAlgorithm: types.AlgorithmSpec(alg), WrappingKeySpec: types.WrappingKeySpec(spec),
	})
	require.NoError(t, err, "GetParametersForImport %s %s %s", arn, alg, spec)
	return out
}

// wrap wraps material under the public key as alg says, with Go's standard
// library and this file's own RFC 5649 code (the model unwraps RSA-AES with
// OpenSSL: two independent implementations meet).
func wrap(t *testing.T, pubDER []byte, alg string, material []byte) []byte {
	t.Helper()
	pk, err := x509.ParsePKIXPublicKey(pubDER)
	require.NoError(t, err, "parse the wrapping public key")
	pub := pk.(*rsa.PublicKey)
	var h hash.Hash = sha256.New()
	if strings.HasSuffix(alg, "SHA_1") {
		h = sha1.New()
	}
	if strings.HasPrefix(alg, "RSAES_OAEP") {
		out, err := rsa.EncryptOAEP(h, rand.Reader, pub, material, nil)
		require.NoError(t, err, "RSA-OAEP")
		return out
	}
	kek := make([]byte, 32)
	_, _ = rand.Read(kek)
	head, err := rsa.EncryptOAEP(h, rand.Reader, pub, kek, nil)
	require.NoError(t, err, "RSA-OAEP of the AES key")
	return append(head, kwpWrap(kek, material)...)
}

// kwpWrap is AES key wrap with padding (RFC 5649).
func kwpWrap(kek, plain []byte) []byte {
	blk, _ := aes.NewCipher(kek)
	padded := make([]byte, (len(plain)+7)/8*8)
	copy(padded, plain)
	a := []byte{0xA6, 0x59, 0x59, 0xA6, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(a[4:], uint32(len(plain)))
	if len(padded) == 8 {
		buf := append(a, padded...)
		blk.Encrypt(buf, buf)
		return buf
	}
	n := len(padded) / 8
	r := padded
	b := make([]byte, 16)
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			copy(b, a)
			copy(b[8:], r[(i-1)*8:i*8])
			blk.Encrypt(b, b)
			binary.BigEndian.PutUint64(a, binary.BigEndian.Uint64(b[:8])^uint64(n*j+i))
			copy(r[(i-1)*8:i*8], b[8:])
		}
	}
	return append(a, r...)
}

// imp is one import: what ImportKeyMaterial gets besides the wrapped
// material. The zero value is a first import expiring in 30 days.
type imp struct {
	alg, wrapSpec string
	importType    string
	materialID    string
	description   string
	validTo       time.Time
	noExpiry      bool
}

func (o imp) input(arn string, p *kms.GetParametersForImportOutput, blob []byte, now time.Time) *kms.ImportKeyMaterialInput {
	in := &kms.ImportKeyMaterialInput{KeyId: aws.String(arn), ImportToken: p.ImportToken, EncryptedKeyMaterial: blob,
		ExpirationModel: types.ExpirationModelTypeKeyMaterialExpires, ImportType: types.ImportType(o.importType)}
	switch {
	case o.noExpiry:
		in.ExpirationModel = types.ExpirationModelTypeKeyMaterialDoesNotExpire
	case o.validTo.IsZero():
		in.ValidTo = aws.Time(now.Add(30 * 24 * time.Hour))
	default:
		in.ValidTo = aws.Time(o.validTo)
	}
	if o.materialID != "" {
		in.KeyMaterialId = aws.String(o.materialID)
	}
	if o.description != "" {
		in.KeyMaterialDescription = aws.String(o.description)
	}
	return in
}

// importInto fetches parameters in the key's Region, wraps material and
// imports it; it returns ImportKeyMaterial's answer.
func importInto(t *testing.T, m *Model, c kmsimport.API, arn string, material []byte, o imp) (*kms.ImportKeyMaterialOutput, error) {
	t.Helper()
	if o.alg == "" {
		o.alg = "RSAES_OAEP_SHA_256"
	}
	if o.wrapSpec == "" {
		o.wrapSpec = "RSA_2048"
	}
	p := params(t, c, arn, o.alg, o.wrapSpec)
	return kmsimport.ForKey(c, arn).ImportKeyMaterial(ctx, o.input(arn, p, wrap(t, p.PublicKey, o.alg, material), m.Now()))
}

func mustImport(t *testing.T, m *Model, c kmsimport.API, arn string, material []byte, o imp) string {
	t.Helper()
	out, err := importInto(t, m, c, arn, material, o)
	require.NoError(t, err, "ImportKeyMaterial into %s", arn)
	return aws.ToString(out.KeyMaterialId)
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// materials lists a key's materials (ALL_KEY_MATERIAL, every page) by id.
func materials(t *testing.T, c kmsimport.API, arn string) map[string]types.RotationsListEntry {
	t.Helper()
	out := map[string]types.RotationsListEntry{}
	var marker *string
	for {
		page, err := kmsimport.ForKey(c, arn).ListKeyRotations(ctx, &kms.ListKeyRotationsInput{
			KeyId: aws.String(arn), IncludeKeyMaterial: types.IncludeKeyMaterialAllKeyMaterial, Limit: aws.Int32(1), Marker: marker})
		require.NoError(t, err, "ListKeyRotations %s", arn)
		for _, r := range page.Rotations {
			out[aws.ToString(r.KeyMaterialId)] = r
		}
		if !page.Truncated {
			return out
		}
		marker = page.NextMarker
	}
}

func encrypt(t *testing.T, c kmsimport.API, arn string, plain []byte) []byte {
	t.Helper()
	out, err := kmsimport.ForKey(c, arn).Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(arn), Plaintext: plain})
	require.NoError(t, err, "Encrypt under %s", arn)
	return out.CiphertextBlob
}

func decrypt(c kmsimport.API, arn string, blob []byte) ([]byte, error) {
	out, err := kmsimport.ForKey(c, arn).Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(arn), CiphertextBlob: blob})
	if err != nil {
		return nil, err
	}
	return out.Plaintext, nil
}
