package hsm

import (
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// faulty fails chosen calls of the real module with a chosen CKR.
type faulty struct {
	p11
	wrapFailAt int // fail the n-th C_WrapKey (1-based), 0: never
	wraps      int
}

func (f *faulty) WrapKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, w, k pkcs11.ObjectHandle) ([]byte, error) {
	f.wraps++
	if f.wraps == f.wrapFailAt {
		return nil, pkcs11.Error(pkcs11.CKR_DEVICE_ERROR)
	}
	return f.p11.WrapKey(sh, m, w, k)
}

// TestWrapFaultLeavesNothing: a device error on either C_WrapKey step of
// the two-step RSA-AES wrap (and of OAEP) is reported and every session
// object is still destroyed.
func TestWrapFaultLeavesNothing(t *testing.T) {
	f := &faulty{}
	wrapModule = func(p p11) p11 { f.p11 = p; return f }
	t.Cleanup(func() { wrapModule = nil })
	st := softhsmtest.New(t)
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err)
	defer tok.Close()
	_, err = tok.SelfTest()
	require.NoError(t, err)
	ec, err := tok.GenerateKey("p384", specParams(t, "ECC_NIST_P384"))
	require.NoError(t, err)
	aes, err := tok.GenerateKey("aes", specParams(t, "SYMMETRIC_DEFAULT"))
	require.NoError(t, err)
	wrapping := goRSA(t, 2048)
	for _, c := range []struct {
		k      *Key
		alg    WrapMechanism
		failAt int
	}{{ec, RSAAESKeyWrapSHA1, 1}, {ec, RSAAESKeyWrapSHA1, 2}, {aes, OAEPSHA1, 1}} {
		f.wraps, f.wrapFailAt = 0, c.failAt
		_, err := wrapCounted(t, tok, c.k, &wrapping.PublicKey, c.alg)
		var rv pkcs11.Error
		require.ErrorAs(t, err, &rv, "%s failing call %d: %v", c.alg, c.failAt, err)
		require.Equal(t, pkcs11.Error(pkcs11.CKR_DEVICE_ERROR), rv, "%s failing call %d: %v", c.alg, c.failAt, err)
	}
	f.wrapFailAt = 0
	_, err = tok.Wrap(ec, &wrapping.PublicKey, RSAAESKeyWrapSHA1)
	require.NoError(t, err, "after faults")
}
