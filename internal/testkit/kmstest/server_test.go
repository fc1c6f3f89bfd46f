package kmstest

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func client(s *Server, tr *Transport, attempts int) *kms.Client {
	return kms.New(kms.Options{
		Region:           s.Region,
		BaseEndpoint:     aws.String(s.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		HTTPClient:       tr.Client(),
		RetryMaxAttempts: attempts,
	})
}

func TestStartAndFaults(t *testing.T) {
	s := Start(t)
	tr := NewTransport()
	c := client(s, tr, 3)
	ctx := context.Background()

	out, err := c.CreateKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
	require.NoError(t, err, "CreateKey")
	id := aws.ToString(out.KeyMetadata.KeyId)
	require.Equal(t, types.KeyStatePendingImport, out.KeyMetadata.KeyState, "state %s, want PendingImport", out.KeyMetadata.KeyState)
	got := aws.ToString(out.KeyMetadata.Arn)
	require.Equal(t, "arn:aws:kms:eu-west-2:111122223333:key/"+id, got, "arn %s", got)

	// One throttle and one 500: the SDK retries both and succeeds.
	tr.Inject("DescribeKey", Throttle, 0, 1)
	tr.Inject("DescribeKey", ServerError, 0, 1)
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
	require.NoError(t, err, "DescribeKey after faults")
	reqs := tr.Requests()
	var faults []Fault
	for _, r := range reqs {
		if r.Op == "DescribeKey" {
			faults = append(faults, r.Fault)
			assert.Equal(t, id, r.KeyID, "recorded KeyId %q, want %q", r.KeyID, id)
		}
	}
	require.Len(t, faults, 3, "DescribeKey attempts %v, want [throttle server-error none]", faults)
	require.Equal(t, Throttle, faults[0], "DescribeKey attempts %v, want [throttle server-error none]", faults)
	require.Equal(t, ServerError, faults[1], "DescribeKey attempts %v, want [throttle server-error none]", faults)
	require.Equal(t, None, faults[2], "DescribeKey attempts %v, want [throttle server-error none]", faults)

	// A dropped connection with retries off surfaces as a transport error,
	// though the emulator did act on the request.
	c1 := client(s, tr, 1)
	tr.Inject("TagResource", DropAfterForward, 0, 1)
	_, err = c1.TagResource(ctx, &kms.TagResourceInput{KeyId: &id, Tags: []types.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
	require.ErrorIs(t, err, ErrDropped, "TagResource error %v, want ErrDropped", err)
	n := tr.Reached("TagResource")[id]
	require.Equal(t, 1, n, "TagResource reached the emulator %d times, want 1", n)
	// Throttling exhausts a one-attempt client: the error code is visible.
	tr.Inject("DescribeKey", Throttle, 0, 1)
	_, err = c1.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae, "DescribeKey error %v, want ThrottlingException", err)
	require.Equal(t, "ThrottlingException", ae.ErrorCode(), "DescribeKey error %v, want ThrottlingException", err)
	// The Transport skips as asked.
	tr.Reset()
	tr.Inject("DescribeKey", ServerError, 1, 1)
	_, err = c1.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
	require.NoError(t, err, "first DescribeKey should pass")
	_, err = c1.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
	var re interface{ HTTPStatusCode() int }
	require.ErrorAs(t, err, &re, "second DescribeKey error %v, want a 500", err)
	require.Equal(t, http.StatusInternalServerError, re.HTTPStatusCode(), "second DescribeKey error %v, want a 500", err)
}

func TestProxyDropsConnection(t *testing.T) {
	s := Start(t)
	tr := NewTransport()
	url := Proxy(t, s.URL, tr)
	c := kms.New(kms.Options{
		Region: s.Region, BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
	})
	ctx := context.Background()
	tr.Inject("CreateKey", DropAfterForward, 0, 1)
	_, err := c.CreateKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
	var ce interface{ ConnectionError() bool }
	require.ErrorAs(t, err, &ce, "CreateKey through a dropping proxy: %v, want a connection error", err)
	require.True(t, ce.ConnectionError(), "CreateKey through a dropping proxy: %v, want a connection error", err)
	// The emulator did create it.
	keys, err := c.ListKeys(ctx, &kms.ListKeysInput{})
	require.NoError(t, err, "ListKeys")
	require.Len(t, keys.Keys, 1, "%d keys after %d requests, want 1 after 2", len(keys.Keys), tr.Count(""))
	require.Equal(t, 2, tr.Count(""), "%d keys after %d requests, want 1 after 2", len(keys.Keys), tr.Count(""))
}
