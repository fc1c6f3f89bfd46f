package kmsimport_test

import (
	"context"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmstest"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// env is one local-kms and a client to it through a recording transport.
type env struct {
	srv *kmstest.Server
	tr  *kmstest.Transport
	api *kms.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := kmstest.Start(t)
	srv.SetEnv(t)
	tr := kmstest.NewTransport()
	return &env{srv: srv, tr: tr, api: newClient(t, tr, 0)}
}

// newClient goes through kmsimport.NewClient: the standard configuration
// (environment set by SetEnv), short backoff so fault tests stay quick.
func newClient(t *testing.T, tr *kmstest.Transport, attempts int) *kms.Client {
	t.Helper()
	c, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{
		HTTPClient:  tr.Client(),
		MaxAttempts: attempts,
		MaxBackoff:  20 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func (e *env) createKey(t *testing.T) string {
	t.Helper()
	info, err := kmsimport.CreateKey(context.Background(), e.api, kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "airwrap test"})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	return info.ARN
}
