package bundle

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata/awsfiles holds what the AWS CLI (v1.45, against local-kms) wrote
// following the AWS developer guide: PublicKey.bin and ImportToken.bin from
// `--query ... --output text | base64 --decode`, PublicKey.b64 without the
// decode, and the whole answer with `--output text`.
func awsFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "awsfiles", name))
	require.NoError(t, err)
	return b
}

func TestDecodeAWSFile(t *testing.T) {
	der := awsFile(t, "PublicKey.bin")
	_, err := x509.ParsePKIXPublicKey(der)
	require.NoError(t, err, "PublicKey.bin is not DER")
	for _, name := range []string{"PublicKey.bin", "PublicKey.b64"} {
		got, err := DecodeAWSFile(awsFile(t, name), MaxPublicKeySize)
		if assert.NoError(t, err, "%s", name) {
			assert.Equal(t, der, got, "%s: %v", name, err)
		}
	}
	token := awsFile(t, "ImportToken.bin")
	got, err := DecodeAWSFile(token, MaxImportTokenSize)
	if assert.NoError(t, err, "ImportToken.bin") {
		assert.Equal(t, token, got, "ImportToken.bin: %v", err)
	}
	for _, c := range []struct {
		name string
		data []byte
		is   error
		msg  string
	}{
		{"empty.bin", awsFile(t, "empty.bin"), ErrEmptyFile,
			"malformed: empty file (0 bytes): the command that should have written it failed or wrote elsewhere; run it again"},
		{"gpfi-output-text.txt", awsFile(t, "gpfi-output-text.txt"), ErrAWSCLIText,
			"malformed: AWS CLI text output: tab-separated values from `--output text`, not JSON or a decoded value: " + awsTextHelp},
		{"too large", bytes.Repeat([]byte{0x30}, MaxPublicKeySize+1), ErrMalformed, "malformed: 8193 bytes, at most 8192"},
	} {
		_, err := DecodeAWSFile(c.data, MaxPublicKeySize)
		if assert.ErrorIs(t, err, c.is, "%s:\n got %v\nwant %s", c.name, err, c.msg) {
			if assert.ErrorIs(t, err, ErrMalformed, "%s:\n got %v\nwant %s", c.name, err, c.msg) {
				assert.Equal(t, c.msg, err.Error(), "%s:\n got %v\nwant %s", c.name, err, c.msg)
			}
		}
	}
}

func TestMarshalAWSCLIParamsRoundTrips(t *testing.T) {
	in := &AWSCLIParams{
		KeyID:             "arn:aws:kms:eu-west-2:111122223333:key/02abf2d7-a01d-4e17-b31b-16348497a61e",
		ImportToken:       awsFile(t, "ImportToken.bin"),
		PublicKey:         awsFile(t, "PublicKey.bin"),
		ParametersValidTo: time.Date(2026, 12, 1, 21, 24, 22, 500, time.UTC),
	}
	data, err := MarshalAWSCLIParams(in)
	require.NoError(t, err)
	require.Equal(t, KindAWSCLI, Detect(data), "detected as %v", Detect(data))
	out, err := ParseAWSCLIParams(data)
	require.NoError(t, err)
	require.Equal(t, in.KeyID, out.KeyID, "round trip: %+v", out)
	require.Equal(t, in.ImportToken, out.ImportToken, "round trip: %+v", out)
	require.Equal(t, in.PublicKey, out.PublicKey, "round trip: %+v", out)
	require.True(t, out.ParametersValidTo.Equal(in.ParametersValidTo), "round trip: %+v", out)
	_, err = MarshalAWSCLIParams(&AWSCLIParams{KeyID: in.KeyID})
	require.Error(t, err, "marshalled without a public key")
	err = CheckNotMisfit(data)
	require.NoError(t, err, "JSON taken for a misfit")
}
