package kmstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// StandIn is a small KMS endpoint for what local-kms cannot produce (an
// ExpiredImportTokenException on an Enabled key, HMAC and asymmetric keys,
// ListKeyRotations, hostile strings in every field): it answers each
// operation from a queue of documented response shapes, and records the
// requests the SDK serialized. Where local-kms can answer, use Start.
type StandIn struct {
	URL string

	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []StandInRequest
	answers map[string][]Answer
	funcs   map[string]func(body map[string]any) Answer
	// RequestID is sent as X-Amzn-Requestid; "" sends "req-" + the operation.
	RequestID string
}

// Answer is one HTTP response: status and JSON body.
type Answer struct {
	Status int
	Body   string
}

// StandInRequest is one request as the SDK serialized it.
type StandInRequest struct {
	Op     string
	Region string // the Region the request was signed for (SigV4 credential scope)
	Body   map[string]any
}

// NewStandIn starts a stand-in on the loopback interface; Close stops it.
func NewStandIn() *StandIn {
	s := &StandIn{answers: map[string][]Answer{}, funcs: map[string]func(map[string]any) Answer{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// EchoCrypt makes Encrypt return the plaintext as its ciphertext and
// Decrypt return the ciphertext as its plaintext: a round trip that succeeds
// without keys, for answers around it that local-kms cannot give.
func (s *StandIn) EchoCrypt() {
	echo := func(from, to string) func(map[string]any) Answer {
		return func(body map[string]any) Answer {
			b, _ := json.Marshal(map[string]any{to: body[from], "KeyId": body["KeyId"]})
			return Answer{200, string(b)}
		}
	}
	s.OnFunc("Encrypt", echo("Plaintext", "CiphertextBlob"))
	s.OnFunc("Decrypt", echo("CiphertextBlob", "Plaintext"))
}

// Close stops the server.
func (s *StandIn) Close() { s.srv.Close() }

// On queues an answer for op; the last one queued repeats.
func (s *StandIn) On(op string, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[op] = append(s.answers[op], Answer{status, body})
}

// OnFunc answers op by calling f with the request's JSON body (for answers
// that depend on the request, such as Decrypt of what Encrypt returned).
func (s *StandIn) OnFunc(op string, f func(body map[string]any) Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.funcs[op] = f
}

// Bodies returns the JSON bodies of the requests for op, in order.
func (s *StandIn) Bodies(op string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, r := range s.reqs {
		if r.Op == op {
			out = append(out, r.Body)
		}
	}
	return out
}

// Requests returns every request so far, in order.
func (s *StandIn) Requests() []StandInRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]StandInRequest(nil), s.reqs...)
}

// SignedRegion is the Region a SigV4-signed request names in its credential
// scope (Authorization: ... Credential=AKID/DATE/REGION/kms/aws4_request),
// or "" when there is none: the one place a KMS endpoint that serves every
// Region learns which Region a request is for.
func SignedRegion(r *http.Request) string {
	_, cred, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[2]
}

// Count is the number of requests for op ("" counts every request).
func (s *StandIn) Count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.reqs {
		if op == "" || r.Op == op {
			n++
		}
	}
	return n
}

func (s *StandIn) serve(w http.ResponseWriter, r *http.Request) {
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	s.mu.Lock()
	s.reqs = append(s.reqs, StandInRequest{op, SignedRegion(r), body})
	f := s.funcs[op]
	q := s.answers[op]
	var a Answer
	switch {
	case f != nil:
	case len(q) == 0:
		a = Answer{400, fmt.Sprintf(`{"__type":"UnsupportedOperationException","message":"stand-in: no answer for %s"}`, op)}
	case len(q) == 1:
		a = q[0]
	default:
		a, s.answers[op] = q[0], q[1:]
	}
	id := s.RequestID
	s.mu.Unlock()
	if f != nil {
		a = f(body)
	}
	if id == "" {
		id = "req-" + op
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", id)
	w.WriteHeader(a.Status)
	_, _ = io.WriteString(w, a.Body)
}
