package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
)

// prepare --create --multi-region --replica-region that fails after KMS
// made the primary and its replica names both, and the command that
// continues names both with --key-id (no --create, --multi-region,
// --replica-region); ReplicateKey went to the primary's Region.
func TestPrepareCreateMultiRegionNamesReplicas(t *testing.T) {
	s := kmstest.NewStandIn()
	t.Cleanup(s.Close)
	for _, kv := range []string{"AWS_ACCESS_KEY_ID=" + kmstest.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + kmstest.SecretAccessKey,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_ENDPOINT_URL_KMS=", "AWS_REGION=", "AWS_PROFILE="} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	const id = "mrk-0a1b2c3d00004000800000000000000a"
	arn := func(r string) string { return "arn:aws:kms:" + r + ":111122223333:key/" + id }
	meta := func(r, role string) string {
		return fmt.Sprintf(`{"AWSAccountId":"111122223333","Arn":%q,"KeyId":%q,"KeySpec":"SYMMETRIC_DEFAULT","KeyUsage":"ENCRYPT_DECRYPT","KeyState":"PendingImport","Origin":"EXTERNAL","MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":%q}}`, arn(r), id, role)
	}
	s.On("CreateKey", 200, `{"KeyMetadata":`+meta("us-east-1", "PRIMARY")+`}`)
	s.On("ReplicateKey", 200, `{"ReplicaKeyMetadata":`+meta("eu-west-1", "REPLICA")+`}`)
	s.OnFunc("DescribeKey", func(body map[string]any) kmstest.Answer {
		role, r := "PRIMARY", "us-east-1"
		if fmt.Sprint(body["KeyId"]) == arn("eu-west-1") {
			role, r = "REPLICA", "eu-west-1"
		}
		return kmstest.Answer{Status: 200, Body: `{"KeyMetadata":` + meta(r, role) + `}`}
	})
	s.On("GetParametersForImport", 400, `{"__type":"AccessDeniedException","message":"not allowed"}`)
	wk, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&wk.PublicKey)
	require.NoError(t, err)
	params := func(body map[string]any) kmstest.Answer {
		return kmstest.Answer{Status: 200, Body: fmt.Sprintf(`{"KeyId":%q,"ImportToken":"dG9rZW4=","PublicKey":%q,"ParametersValidTo":%d}`,
			body["KeyId"], base64.StdEncoding.EncodeToString(der), time.Now().Add(23*time.Hour).Unix())}
	}

	out := filepath.Join(t.TempDir(), "params.json")
	var stdout, stderr bytes.Buffer
	code := run([]string{"airwrap-online", "--endpoint-url", s.URL, "--region", "us-east-1", "prepare", "--create", "--multi-region", "--replica-region", "eu-west-1",
		"--key-spec", "SYMMETRIC_DEFAULT", "--description", "payments 2026", "--out", out}, &stdout, &stderr)
	require.Equal(t, 1, code, stderr.String())
	assert.Contains(t, stderr.String(), "airwrap-online: error: this run created, and left PendingImport: "+arn("us-east-1")+", "+arn("eu-west-1")+"\n")
	const lead = "airwrap-online: hint: the keys this run created exist: do not run the --create command again (it would create more); continue with them: "
	_, rest, ok := strings.Cut(stderr.String(), lead)
	require.True(t, ok, stderr.String())
	cont, _, _ := strings.Cut(rest, "\n")
	assert.Equal(t, "airwrap-online --region us-east-1 --endpoint-url "+s.URL+" prepare --key-id "+arn("us-east-1")+" --key-id "+arn("eu-west-1")+" --out "+out, cont)
	var got []string
	for _, r := range s.Requests() {
		got = append(got, r.Op+" "+r.Region)
	}
	assert.Equal(t, []string{"CreateKey us-east-1", "ReplicateKey us-east-1", "DescribeKey eu-west-1", "DescribeKey us-east-1", "ListKeyRotations us-east-1", "DescribeKey eu-west-1", "ListKeyRotations eu-west-1", "GetParametersForImport us-east-1"}, got)

	// Run as printed, once KMS answers: both keys' parameters, each role shown.
	s.OnFunc("GetParametersForImport", params)
	stdout.Reset()
	stderr.Reset()
	require.Equal(t, 0, run(append(strings.Fields(cont), "--wrapping-key-spec", "RSA_2048"), &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "  multi-Region: PRIMARY in us-east-1\n")
	assert.Contains(t, stdout.String(), "  multi-Region: REPLICA in eu-west-1\n")
	assert.Equal(t, 1, s.Count("CreateKey"))
	assert.Equal(t, 1, s.Count("ReplicateKey"))
}
