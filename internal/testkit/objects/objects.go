// Package objects checks what a PKCS#11 token holds around an operation:
// that a wrap leaves no object behind, success or not. It must not import
// airwrap's hsm package (hsm's own tests use it), so it states what it
// needs of a token as interfaces that *hsm.Token satisfies.
package objects

import (
	"crypto/rsa"
	"testing"

	"github.com/stretchr/testify/require"
)

// Counter counts the objects a session can see (token and session
// objects), as hsm.Token.ObjectCount does.
type Counter interface {
	ObjectCount() (int, error)
}

// Wrapper is a token that wraps key K under an RSA public key with a wrap
// mechanism M (as hsm.Token.Wrap with hsm.WrapMechanism).
type Wrapper[K, M any] interface {
	Counter
	Wrap(k K, wk *rsa.PublicKey, m M) ([]byte, error)
}

// Count is tok's object count; it fails the test when the token cannot say.
func Count(t testing.TB, tok Counter) int {
	t.Helper()
	n, err := tok.ObjectCount()
	require.NoError(t, err)
	return n
}

// WrapCounted wraps k and fails the test if the token then holds another
// number of objects than before (success or not); it returns Wrap's result.
func WrapCounted[K, M any](t testing.TB, tok Wrapper[K, M], k K, wk *rsa.PublicKey, m M) ([]byte, error) {
	t.Helper()
	before := Count(t, tok)
	out, err := tok.Wrap(k, wk, m)
	after := Count(t, tok)
	require.Equal(t, before, after, "%v: %d objects before Wrap, %d after", m, before, after)
	return out, err
}
