package objects

import (
	"crypto/rsa"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// leaky is a token that leaves `leaves` objects behind per Wrap.
type leaky struct{ n, leaves int }

func (l *leaky) ObjectCount() (int, error) { return l.n, nil }

func (l *leaky) Wrap(k string, wk *rsa.PublicKey, m string) ([]byte, error) {
	l.n += l.leaves
	return []byte(k), errors.New("refused")
}

// recorder records a failure instead of ending the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) FailNow()              { r.failed = true } // require's way to end a test

// TestWrapCounted: a wrap that leaves an object behind fails the test,
// even when the wrap itself failed; one that leaves none passes and hands
// back Wrap's own result.
func TestWrapCounted(t *testing.T) {
	r := &recorder{TB: t}
	out, err := WrapCounted(r, &leaky{leaves: 0}, "k", nil, "RSAES_OAEP_SHA_256")
	require.False(t, r.failed, "clean wrap: failed=%v out=%q err=%v", r.failed, out, err)
	require.Equal(t, "k", string(out), "clean wrap: failed=%v out=%q err=%v", r.failed, out, err)
	require.Error(t, err, "clean wrap: failed=%v out=%q err=%v", r.failed, out, err)
	r = &recorder{TB: t}
	WrapCounted(r, &leaky{leaves: 1}, "k", nil, "RSAES_OAEP_SHA_256")
	require.True(t, r.failed, "a wrap that left an object behind passed")
}
