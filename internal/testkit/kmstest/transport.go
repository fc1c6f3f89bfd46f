package kmstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Fault is what the Transport does to one request instead of (or after)
// forwarding it.
type Fault int

const (
	// None forwards the request unchanged.
	None Fault = iota
	// Throttle answers 429 ThrottlingException without forwarding.
	Throttle
	// ServerError answers 500 KMSInternalException without forwarding.
	ServerError
	// DropAfterForward forwards the request (the emulator acts on it), then
	// discards the response and returns a transport error, as a connection
	// dropped before the answer arrived would.
	DropAfterForward
)

func (f Fault) String() string {
	switch f {
	case None:
		return "none"
	case Throttle:
		return "throttle"
	case ServerError:
		return "server-error"
	case DropAfterForward:
		return "drop-after-forward"
	}
	return fmt.Sprintf("fault(%d)", int(f))
}

// defaultBase is a transport of its own: httptest.Server.Close closes the
// idle connections of http.DefaultTransport, which would race with requests
// other tests forward at the same time.
var defaultBase http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()

// ErrDropped is the transport error DropAfterForward returns.
var ErrDropped = errors.New("kmstest: connection dropped after the request was forwarded")

// Request is one request seen by the Transport.
type Request struct {
	Op     string // KMS operation, e.g. "ImportKeyMaterial" (from X-Amz-Target)
	KeyID  string // the KeyId field of the request body, if any
	Fault  Fault  // what was done to it
	Status int    // HTTP status the client saw (0 when it saw a transport error)
}

type rule struct {
	op    string // "" matches every operation
	fault Fault
	skip  int // let this many matching requests through first
	times int // then apply the fault this many times
}

// Transport records every request and injects faults. Put it in an
// http.Client between a KMS client and a real emulator.
type Transport struct {
	Base http.RoundTripper // nil: a clone of http.DefaultTransport

	mu       sync.Mutex
	requests []Request
	rules    []*rule
}

// NewTransport returns a Transport forwarding through its own clone of
// http.DefaultTransport.
func NewTransport() *Transport { return &Transport{} }

// Client returns an http.Client using this Transport.
func (t *Transport) Client() *http.Client { return &http.Client{Transport: t} }

// Inject applies fault to `times` requests for op ("" for any), after letting
// `skip` matching requests through untouched. Rules apply one after another in
// the order they were injected.
func (t *Transport) Inject(op string, fault Fault, skip, times int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rules = append(t.rules, &rule{op: op, fault: fault, skip: skip, times: times})
}

// Requests returns a copy of every request seen so far.
func (t *Transport) Requests() []Request {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Request(nil), t.requests...)
}

// Count returns how many requests for op ("" for any) were seen.
func (t *Transport) Count(op string) int {
	n := 0
	for _, r := range t.Requests() {
		if op == "" || r.Op == op {
			n++
		}
	}
	return n
}

// Reached counts requests for op that reached the emulator and were answered
// 200 by it (the client may still not have seen the answer: DropAfterForward),
// grouped by KeyId.
func (t *Transport) Reached(op string) map[string]int {
	m := map[string]int{}
	for _, r := range t.Requests() {
		if r.Op == op && (r.Fault == None || r.Fault == DropAfterForward) && (r.Status == http.StatusOK || r.Fault == DropAfterForward) {
			m[r.KeyID]++
		}
	}
	return m
}

// Reset forgets recorded requests and pending faults.
func (t *Transport) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests, t.rules = nil, nil
}

func (t *Transport) pick(op string) Fault {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range t.rules {
		if r.op != "" && r.op != op || r.times == 0 {
			continue
		}
		// Rules for an operation form a queue: the first unfinished one
		// decides, so "skip 1, then throttle once, then fail once" reads
		// as three Inject calls in that order.
		if r.skip > 0 {
			r.skip--
			return None
		}
		r.times--
		return r.fault
	}
	return None
}

func (t *Transport) record(r Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests = append(t.requests, r)
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	_, op, _ := strings.Cut(req.Header.Get("X-Amz-Target"), ".")
	var fields struct{ KeyId string }
	_ = json.Unmarshal(body, &fields)
	rec := Request{Op: op, KeyID: fields.KeyId}

	rec.Fault = t.pick(op)
	switch rec.Fault {
	case Throttle:
		rec.Status = http.StatusTooManyRequests
		t.record(rec)
		return jsonError(req, rec.Status, "ThrottlingException", "Rate exceeded"), nil
	case ServerError:
		rec.Status = http.StatusInternalServerError
		t.record(rec)
		return jsonError(req, rec.Status, "KMSInternalException", "injected internal failure"), nil
	}

	base := t.Base
	if base == nil {
		base = defaultBase
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		t.record(rec)
		return nil, err
	}
	if rec.Fault == DropAfterForward {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		t.record(rec)
		return nil, ErrDropped
	}
	rec.Status = resp.StatusCode
	t.record(rec)
	return resp, nil
}

func jsonError(req *http.Request, status int, code, msg string) *http.Response {
	b, _ := json.Marshal(map[string]string{"__type": code, "message": msg})
	return &http.Response{
		StatusCode:    status,
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": []string{"application/x-amz-json-1.1"}, "X-Amzn-Requestid": []string{"kmstest-injected"}},
		Body:          io.NopCloser(bytes.NewReader(b)),
		ContentLength: int64(len(b)),
		Request:       req,
	}
}
