package kmsimport

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"
)

// An endpoint that accepts requests and never answers: every attempt ends at
// RequestTimeout and the call fails, instead of stalling the batch forever.
func TestNewClientRequestTimeout(t *testing.T) {
	release := make(chan struct{})
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		<-release
	}))
	defer srv.Close()
	defer close(release)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")

	c, err := NewClient(context.Background(), ClientOptions{
		Region: "eu-west-2", EndpointURL: srv.URL, MaxAttempts: 2, MaxBackoff: time.Millisecond,
		RequestTimeout: 200 * time.Millisecond,
	})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := c.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("alias/x")})
		done <- err
	}()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second): // a hang detector, far above 2 x 200ms
		require.FailNow(t, "DescribeKey still waiting on a silent endpoint: no request timeout")
	}
	var ne net.Error
	require.Error(t, err, "want a timeout error, got %v", err)
	require.ErrorAs(t, err, &ne, "want a timeout error, got %v", err)
	require.True(t, ne.Timeout(), "want a timeout error, got %v", err)
	n := attempts.Load()
	require.Equal(t, int32(2), n, "%d attempts reached the endpoint, want 2 (a timed-out attempt is retried)", n)
}
