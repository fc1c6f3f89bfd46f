package kmsimport_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmstest"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// fakeKMS answers with recorded response shapes from the KMS API reference,
// for what local-kms cannot do, and records the requests the SDK serialized.
// It is never used where the emulator can answer.
type fakeKMS struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []fakeReq
	answers map[string][]fakeAnswer
}

type fakeReq struct {
	Op   string
	Body map[string]any
}

type fakeAnswer struct {
	status int
	body   string
}

func newFake(t *testing.T) *fakeKMS {
	t.Helper()
	f := &fakeKMS{answers: map[string][]fakeAnswer{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
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
	c, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{EndpointURL: f.srv.URL, MaxAttempts: 2, MaxBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// on queues an answer for op; the last one queued repeats.
func (f *fakeKMS) on(op string, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[op] = append(f.answers[op], fakeAnswer{status, body})
}

func (f *fakeKMS) serve(w http.ResponseWriter, r *http.Request) {
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	f.mu.Lock()
	f.reqs = append(f.reqs, fakeReq{op, body})
	q := f.answers[op]
	var a fakeAnswer
	switch len(q) {
	case 0:
		a = fakeAnswer{400, fmt.Sprintf(`{"__type":"UnsupportedOperationException","message":"fake: no answer for %s"}`, op)}
	case 1:
		a = q[0]
	default:
		a, f.answers[op] = q[0], q[1:]
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "req-"+op)
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

func (f *fakeKMS) bodies(op string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, r := range f.reqs {
		if r.Op == op {
			out = append(out, r.Body)
		}
	}
	return out
}

func describeJSON(arn, spec, usage, state string, extra string) string {
	id := arn[strings.LastIndex(arn, "/")+1:]
	return fmt.Sprintf(`{"KeyMetadata":{"AWSAccountId":"111122223333","Arn":%q,"KeyId":%q,"KeySpec":%q,"KeyUsage":%q,"KeyState":%q,"Origin":"EXTERNAL","Enabled":%t,"MultiRegion":false,"CreationDate":1.7e9%s}}`,
		arn, id, spec, usage, state, state == "Enabled", extra)
}
