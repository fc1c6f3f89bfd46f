package kmsimport_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"
)

// fakeKMS is a kmstest.StandIn for what local-kms cannot do, with the
// environment a client needs to reach it. It is never used where the
// emulator can answer.
type fakeKMS struct{ *kmstest.StandIn }

func newFake(t *testing.T) *fakeKMS {
	t.Helper()
	f := &fakeKMS{kmstest.NewStandIn()}
	t.Cleanup(f.Close)
	for _, kv := range []string{
		"AWS_ACCESS_KEY_ID=" + kmstest.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + kmstest.SecretAccessKey,
		"AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_ENDPOINT_URL_KMS=",
	} {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return f
}

func (f *fakeKMS) client(t *testing.T) *kms.Client {
	t.Helper()
	c, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{EndpointURL: f.URL, MaxAttempts: 2, MaxBackoff: 10 * time.Millisecond})
	require.NoError(t, err)
	return c
}

// on queues an answer for op; the last one queued repeats.
func (f *fakeKMS) on(op string, status int, body string) { f.On(op, status, body) }

func (f *fakeKMS) bodies(op string) []map[string]any { return f.Bodies(op) }

func describeJSON(arn, spec, usage, state string, extra string) string {
	id := arn[strings.LastIndex(arn, "/")+1:]
	return fmt.Sprintf(`{"KeyMetadata":{"AWSAccountId":"111122223333","Arn":%q,"KeyId":%q,"KeySpec":%q,"KeyUsage":%q,"KeyState":%q,"Origin":"EXTERNAL","Enabled":%t,"MultiRegion":false,"CreationDate":1.7e9%s}}`,
		arn, id, spec, usage, state, state == "Enabled", extra)
}
