package hsm

import (
	"errors"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
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
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	_, err = tok.SelfTest()
	if err != nil {
		t.Fatal(err)
	}
	ec, err := tok.GenerateKey("p384", specParams(t, "ECC_NIST_P384"))
	if err != nil {
		t.Fatal(err)
	}
	aes, err := tok.GenerateKey("aes", specParams(t, "SYMMETRIC_DEFAULT"))
	if err != nil {
		t.Fatal(err)
	}
	wrapping := goRSA(t, 2048)
	for _, c := range []struct {
		k      *Key
		alg    WrapMechanism
		failAt int
	}{{ec, RSAAESKeyWrapSHA1, 1}, {ec, RSAAESKeyWrapSHA1, 2}, {aes, OAEPSHA1, 1}} {
		f.wraps, f.wrapFailAt = 0, c.failAt
		_, err := wrapCounted(t, tok, c.k, &wrapping.PublicKey, c.alg)
		var rv pkcs11.Error
		if !errors.As(err, &rv) || rv != pkcs11.CKR_DEVICE_ERROR {
			t.Fatalf("%s failing call %d: %v", c.alg, c.failAt, err)
		}
	}
	f.wrapFailAt = 0
	if _, err := tok.Wrap(ec, &wrapping.PublicKey, RSAAESKeyWrapSHA1); err != nil {
		t.Fatalf("after faults: %v", err)
	}
}
