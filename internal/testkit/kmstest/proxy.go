package kmstest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// Proxy serves target through tr on a loopback httptest server, for clients
// in other processes (CLI tests): point AWS_ENDPOINT_URL_KMS at the returned
// URL. The server stops with the test.
func Proxy(t testing.TB, target string, tr *Transport) string {
	t.Helper()
	srv := NewProxy(target, tr)
	t.Cleanup(srv.Close)
	return srv.URL
}

// NewProxy is Proxy for callers without a testing.TB; they Close it. A
// DropAfterForward fault closes the client's connection without an answer,
// as a real dropped connection would.
func NewProxy(target string, tr *Transport) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := tr.RoundTrip(out)
		if err != nil {
			if hj, ok := w.(http.Hijacker); ok && errors.Is(err, ErrDropped) {
				if conn, _, herr := hj.Hijack(); herr == nil {
					_ = conn.Close()
					return
				}
			}
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		// The whole answer first: the client gets all of it or a 502.
		data, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for _, k := range []string{"Content-Type", "X-Amzn-Requestid"} {
			if v := resp.Header.Get(k); v != "" {
				w.Header().Set(k, v)
			}
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(data)
	}))
}
