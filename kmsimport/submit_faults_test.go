package kmsimport_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/kmsimport"
)

// stall sits between the client and the recording transport: the chosen
// requests for op (1-based counts) are forwarded first or not at all, and
// then never answered, so the client's own timeout ends it, as with a KMS endpoint or
// a middlebox that hangs.
type stall struct {
	next    http.RoundTripper
	op      string
	nth     []int
	forward bool // forward to local-kms before hanging (KMS acts)

	mu   sync.Mutex
	seen int
}

func (s *stall) RoundTrip(req *http.Request) (*http.Response, error) {
	hit := false
	if strings.HasSuffix(req.Header.Get("X-Amz-Target"), "."+s.op) {
		s.mu.Lock()
		s.seen++
		hit = slices.Contains(s.nth, s.seen)
		s.mu.Unlock()
	}
	if !hit {
		return s.next.RoundTrip(req)
	}
	if s.forward {
		// KMS gets the whole request and acts on it, whatever the client does
		fwd := req.Clone(context.WithoutCancel(req.Context()))
		if resp, err := s.next.RoundTrip(fwd); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	}
	<-req.Context().Done() // the client's timeout
	return nil, req.Context().Err()
}

// timeoutClient is a KMS client whose every HTTP attempt gives up after
// timeout, through s.
func timeoutClient(t *testing.T, s *stall, attempts int, timeout time.Duration) *kms.Client {
	t.Helper()
	c, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{
		HTTPClient:  &http.Client{Transport: s, Timeout: timeout},
		MaxAttempts: attempts,
		MaxBackoff:  20 * time.Millisecond,
	})
	require.NoError(t, err)
	return c
}

// TestSubmitTimeouts: an ImportKeyMaterial that times out is retried; when
// KMS had acted on the timed-out request, the retry finds the key Enabled
// and confirms the material instead of failing; with no retries left the
// entry fails and the re-run completes. Every key is taken from
// PendingImport once, and works.
func TestSubmitTimeouts(t *testing.T) {
	const timeout = time.Second
	e := newEnv(t)
	for _, c := range []struct {
		name    string
		forward bool
	}{{"lost before KMS", false}, {"KMS acted, answer never came", true}} {
		t.Run(c.name, func(t *testing.T) {
			keys, pl := e.batch(t, 3)
			e.tr.Reset()
			api := timeoutClient(t, &stall{next: e.tr, op: "ImportKeyMaterial", nth: []int{2}, forward: c.forward}, 3, timeout)
			rc, err := e.submit(t, api, pl)
			require.NoError(t, err, "Submit")
			got := outcomes(rc)
			require.Equal(t, []string{"imported", "imported", "imported"}, got, "outcomes %v", got)
			want := map[string]int{keys[0]: 1, keys[1]: 1, keys[2]: 1}
			if c.forward {
				want[keys[1]] = 2 // the timed-out import, then the confirmation in Enabled
			}
			reached := e.tr.Reached("ImportKeyMaterial")
			require.Equal(t, want, reached, "ImportKeyMaterial reached local-kms %v, want %v", reached, want)
			for _, k := range keys {
				e.roundTrip(t, k)
			}
		})
	}
	t.Run("no retries: the re-run completes", func(t *testing.T) {
		keys, pl := e.batch(t, 3)
		// the import KMS acts on, and the confirmation submit sends after it
		api := timeoutClient(t, &stall{next: e.tr, op: "ImportKeyMaterial", nth: []int{2, 3}, forward: true}, 1, timeout)
		rc, err := e.submit(t, api, pl)
		require.ErrorIs(t, err, kmsimport.ErrTransient, "first run: %v, %v", outcomes(rc), err)
		require.Equal(t, []string{"imported", "failed", "imported"}, outcomes(rc), "first run: %v, %v", outcomes(rc), err)
		rc, err = e.submit(t, e.api, pl)
		require.NoError(t, err, "re-run: %v, %v", outcomes(rc), err)
		require.Equal(t, []string{"already-imported", "already-imported", "already-imported"}, outcomes(rc), "re-run: %v, %v", outcomes(rc), err)
		for _, k := range keys {
			e.roundTrip(t, k)
		}
	})
}
