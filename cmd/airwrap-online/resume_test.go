package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
)

// prepare --create against the KMS stand-in, through an --endpoint-url
// with a user name and password in it: CreateKey succeeds, then
// GetParametersForImport is denied. The error names the created key; the
// hints are the command that continues with it (--key-id in place of
// --create and its flags, no password, every word pasteable) and the access
// hint, not "re-run the same command". Run as printed, it writes the
// parameters once KMS answers.
func TestPrepareCreateDeniedNamesKeyAndContinue(t *testing.T) {
	s := createStandIn(t, true)
	out := filepath.Join(t.TempDir(), "params.json")
	endpoint := strings.Replace(s.URL, "http://", "http://operator:s3cret@", 1)
	var stdout, stderr bytes.Buffer
	code := run([]string{"airwrap-online", "--endpoint-url", endpoint, "prepare", "--region", "us-east-1", "--create", "--key-spec", "SYMMETRIC_DEFAULT",
		"--description", "payments 2026", "--tag", "team=payments", "--out", out}, &stdout, &stderr)
	require.Equal(t, 1, code, stderr.String())
	assert.Contains(t, stderr.String(), "airwrap-online: error: this run created, and left PendingImport: "+createdARN+"\n")
	assert.Contains(t, stderr.String(), "hint: check the credentials and the key policy")
	assert.NotContains(t, stderr.String(), "re-run the same command")
	assert.NotContains(t, stderr.String(), "s3cret")
	assert.NoFileExists(t, out)
	const lead = "airwrap-online: hint: the keys this run created exist: do not run the --create command again (it would create more); continue with them: "
	_, rest, ok := strings.Cut(stderr.String(), lead)
	require.True(t, ok, stderr.String())
	cont, _, _ := strings.Cut(rest, "\n")
	assert.Equal(t, "airwrap-online --region us-east-1 --endpoint-url "+s.URL+" prepare --key-id "+createdARN+" --out "+out, cont)
	assert.Equal(t, 1, s.Count("CreateKey"))

	stdout.Reset()
	stderr.Reset()
	require.NotContains(t, cont, "'", "plain words: split as a shell would")
	require.Equal(t, 0, run(strings.Fields(cont), &stdout, &stderr), stderr.String())
	assert.Equal(t, 1, s.Count("CreateKey"), "the continuing run created no key")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	p, err := bundle.ParseParams(data)
	require.NoError(t, err)
	require.Len(t, p.Entries, 1)
	assert.Equal(t, createdARN, p.Entries[0].KeyARN)
}

const createdARN = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000001"

// createStandIn is a KMS stand-in whose CreateKey makes createdARN and
// whose GetParametersForImport answers valid parameters, after one
// AccessDeniedException when denyFirst.
func createStandIn(t *testing.T, denyFirst bool) *kmstest.StandIn {
	t.Helper()
	s := kmstest.NewStandIn()
	t.Cleanup(s.Close)
	for _, kv := range []string{"AWS_ACCESS_KEY_ID=" + kmstest.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + kmstest.SecretAccessKey,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_ENDPOINT_URL_KMS=", "AWS_REGION=", "AWS_PROFILE="} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	const arn = createdARN
	meta := fmt.Sprintf(`{"KeyMetadata":{"AWSAccountId":"111122223333","Arn":%q,"KeyId":"0a1b2c3d-0000-4000-8000-000000000001","KeySpec":"SYMMETRIC_DEFAULT","KeyUsage":"ENCRYPT_DECRYPT","KeyState":"PendingImport","Origin":"EXTERNAL","Enabled":false,"MultiRegion":false,"CreationDate":1.7e9}}`, arn)
	s.On("CreateKey", 200, meta)
	s.On("DescribeKey", 200, meta)
	if denyFirst {
		s.On("GetParametersForImport", 400, `{"__type":"AccessDeniedException","message":"not allowed"}`)
	}
	wk, err := rsa.GenerateKey(rand.Reader, 4096)
	require.NoError(t, err)
	pub, err := x509.MarshalPKIXPublicKey(&wk.PublicKey)
	require.NoError(t, err)
	s.On("GetParametersForImport", 200, fmt.Sprintf(`{"KeyId":%q,"ImportToken":"dG9rZW4=","PublicKey":%q,"ParametersValidTo":%d}`,
		arn, base64.StdEncoding.EncodeToString(pub), time.Now().Add(23*time.Hour).Unix()))
	return s
}

// prepare --create whose parameters cannot be written (--out in a
// directory that is not there) names the created key and the command that
// continues with it, and writes nothing.
func TestPrepareCreateUnwritableNamesKey(t *testing.T) {
	s := createStandIn(t, false)
	out := filepath.Join(t.TempDir(), "missing", "params.json")
	var stdout, stderr bytes.Buffer
	code := run([]string{"airwrap-online", "--endpoint-url", s.URL, "--region", "us-east-1", "prepare", "--create", "--key-spec", "SYMMETRIC_DEFAULT",
		"--description", "payments 2026", "--out", out}, &stdout, &stderr)
	require.Equal(t, 1, code, stderr.String())
	assert.Contains(t, stderr.String(), "airwrap-online: error: this run created, and left PendingImport: "+createdARN+"\n")
	assert.Contains(t, stderr.String(), "continue with them: airwrap-online --region us-east-1 --endpoint-url "+s.URL+" prepare --key-id "+createdARN+" --out "+out+"\n")
	assert.NoDirExists(t, filepath.Dir(out))
	assert.Equal(t, 1, s.Count("GetParametersForImport"))
}

// --help documents the interrupt's exit status, for the app and for the two
// commands that resume.
func TestHelpNamesInterruptExit(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"prepare", "--help"}, {"submit", "--help"}} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 0, run(append([]string{"airwrap-online"}, args...), &stdout, &stderr), stderr.String())
		assert.Contains(t, strings.Join(strings.Fields(stdout.String()), " "), "130", args)
	}
}
