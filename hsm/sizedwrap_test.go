package hsm

import (
	"bytes"
	"crypto"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// shortQuery answers every C_WrapKey as NSS softokn answers one with
// CKM_AES_KEY_WRAP_KWP through miekg's two-call WrapKey: CKR_BUFFER_TOO_SMALL.
// Calls that wrapKey retries through p11raw reach the real module unchanged.
type shortQuery struct {
	p11
	refused int
}

func (s *shortQuery) WrapKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, w, k pkcs11.ObjectHandle) ([]byte, error) {
	s.refused++
	return nil, pkcs11.Error(pkcs11.CKR_BUFFER_TOO_SMALL)
}

// TestWrapSizedFallback: where the two-call C_WrapKey fails with
// CKR_BUFFER_TOO_SMALL, parameterless mechanisms (the AES key wraps) are
// wrapped again into a caller-sized buffer, so SelfTest and Wrap work on
// the real SoftHSM token through that path alone; mechanisms with
// parameters (RSA-OAEP) are not retried.
func TestWrapSizedFallback(t *testing.T) {
	s := &shortQuery{}
	wrapModule = func(p p11) p11 { s.p11 = p; return s }
	t.Cleanup(func() { wrapModule = nil })
	st := softhsmtest.New(t)
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err)
	defer tok.Close()

	tok.mu.Lock()
	kek, err := tok.knownSecret(pkcs11.CKK_AES, bytes.Repeat([]byte{7}, 32), true)
	if err != nil {
		tok.mu.Unlock()
		t.Fatal(err)
	}
	secret, err := tok.knownSecret(pkcs11.CKK_GENERIC_SECRET, bytes.Repeat([]byte{9}, 32), false)
	if err != nil {
		tok.mu.Unlock()
		t.Fatal(err)
	}
	blob, err := tok.wrapKey(pkcs11.NewMechanism(CKMAESKeyWrapPad, nil), kek, secret)
	tok.mu.Unlock()
	require.NoError(t, err, "sized wrap: %v after %d refusals", err, s.refused)
	require.Equal(t, 1, s.refused, "sized wrap: %v after %d refusals", err, s.refused)
	got, err := kwpUnwrap(bytes.Repeat([]byte{7}, 32), blob)
	require.NoError(t, err, "sized wrap output does not unwrap: %v", err)
	require.Equal(t, bytes.Repeat([]byte{9}, 32), got, "sized wrap output does not unwrap: %v", err)

	// A mechanism with parameters (RSA-OAEP) is not retried.
	wk := goRSA(t, 2048)
	tok.mu.Lock()
	pub, err := tok.wrappingPublic(&wk.PublicKey)
	if err == nil {
		_, err = tok.wrapKey(oaepMech(crypto.SHA1), pub, secret)
		tok.destroy(pub, nil)
	}
	tok.destroy(kek, nil)
	tok.destroy(secret, nil)
	tok.mu.Unlock()
	require.True(t, ckr(err, pkcs11.CKR_BUFFER_TOO_SMALL), "OAEP: %v after %d refusals", err, s.refused)
	require.Equal(t, 2, s.refused, "OAEP: %v after %d refusals", err, s.refused)

	// SelfTest finds the KWP mechanism through the sized path alone.
	caps, err := tok.SelfTest()
	require.NoError(t, err)
	require.Equal(t, uint(CKMAESKeyWrapPad), caps.KWPMechanism, "KWP KAT through the sized path chose %s", caps.KWPMechanismName)
}
