package bench

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"

	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/stretchr/testify/require"
)

// hsmToken is a throwaway SoftHSM token opened through airwrap's hsm package.
type hsmToken struct {
	st  *softhsmtest.Token
	tok *hsm.Token
}

func (h *hsmToken) config() hsm.Config {
	return hsm.Config{ModulePath: h.st.Module, TokenLabel: h.st.Label, PIN: []byte(h.st.PIN), HMACCheckInput: ceremony.HMACCheckInput()}
}

// newToken makes a token (failing, never skipping, without SoftHSM) and
// opens it; it is closed when b ends.
func newToken(b *testing.B) *hsmToken {
	b.Helper()
	h := &hsmToken{st: softhsmtest.New(b)}
	tok, err := hsm.Open(h.config())
	require.NoError(b, err)
	h.tok = tok
	b.Cleanup(func() { _ = tok.Close() })
	return h
}

func (h *hsmToken) key(b *testing.B, label, spec string) *hsm.Key {
	b.Helper()
	k, err := ceremony.GenerateKey(h.tok, label, spec)
	require.NoError(b, err, "generate %s %q", spec, label)
	return k
}

// wrappingKey is a software RSA wrapping key standing in for KMS's.
func wrappingKey(b *testing.B, bits int) *rsa.PrivateKey {
	b.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	require.NoError(b, err)
	return k
}
