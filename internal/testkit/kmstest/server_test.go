package kmstest

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
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
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	id := aws.ToString(out.KeyMetadata.KeyId)
	if out.KeyMetadata.KeyState != types.KeyStatePendingImport {
		t.Fatalf("state %s, want PendingImport", out.KeyMetadata.KeyState)
	}
	if got := aws.ToString(out.KeyMetadata.Arn); got != "arn:aws:kms:eu-west-2:111122223333:key/"+id {
		t.Fatalf("arn %s", got)
	}

	// One throttle and one 500: the SDK retries both and succeeds.
	tr.Inject("DescribeKey", Throttle, 0, 1)
	tr.Inject("DescribeKey", ServerError, 0, 1)
	if _, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id}); err != nil {
		t.Fatalf("DescribeKey after faults: %v", err)
	}
	reqs := tr.Requests()
	var faults []Fault
	for _, r := range reqs {
		if r.Op == "DescribeKey" {
			faults = append(faults, r.Fault)
			if r.KeyID != id {
				t.Errorf("recorded KeyId %q, want %q", r.KeyID, id)
			}
		}
	}
	if len(faults) != 3 || faults[0] != Throttle || faults[1] != ServerError || faults[2] != None {
		t.Fatalf("DescribeKey attempts %v, want [throttle server-error none]", faults)
	}

	// A dropped connection with retries off surfaces as a transport error,
	// though the emulator did act on the request.
	c1 := client(s, tr, 1)
	tr.Inject("TagResource", DropAfterForward, 0, 1)
	_, err = c1.TagResource(ctx, &kms.TagResourceInput{KeyId: &id, Tags: []types.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("TagResource error %v, want ErrDropped", err)
	}
	if n := tr.Reached("TagResource")[id]; n != 1 {
		t.Fatalf("TagResource reached the emulator %d times, want 1", n)
	}
	// Throttling exhausts a one-attempt client: the error code is visible.
	tr.Inject("DescribeKey", Throttle, 0, 1)
	_, err = c1.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" {
		t.Fatalf("DescribeKey error %v, want ThrottlingException", err)
	}
	// The Transport skips as asked.
	tr.Reset()
	tr.Inject("DescribeKey", ServerError, 1, 1)
	if _, err := c1.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id}); err != nil {
		t.Fatalf("first DescribeKey should pass: %v", err)
	}
	_, err = c1.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusInternalServerError {
		t.Fatalf("second DescribeKey error %v, want a 500", err)
	}
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
	if !errors.As(err, &ce) || !ce.ConnectionError() {
		t.Fatalf("CreateKey through a dropping proxy: %v, want a connection error", err)
	}
	// The emulator did create it.
	keys, err := c.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatalf("ListKeys: %v", err)
	}
	if len(keys.Keys) != 1 || tr.Count("") != 2 {
		t.Fatalf("%d keys after %d requests, want 1 after 2", len(keys.Keys), tr.Count(""))
	}
}
