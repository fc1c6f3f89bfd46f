package hsm

import (
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
)

// openTest creates a throwaway SoftHSM token and opens it.
func openTest(t *testing.T) (*Token, *softhsmtest.Token) {
	t.Helper()
	st := softhsmtest.New(t)
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := tok.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return tok, st
}

// createObject puts an object with known attributes on the token (tests
// only: this is how known material gets there).
func createObject(t *testing.T, tok *Token, tmpl []*pkcs11.Attribute) pkcs11.ObjectHandle {
	t.Helper()
	tok.mu.Lock()
	defer tok.mu.Unlock()
	h, err := tok.p.CreateObject(tok.sh, tmpl)
	if err != nil {
		t.Fatalf("C_CreateObject: %v", err)
	}
	return h
}

// knownSecret puts a secret key of known value on the token, as GenerateKey
// would have made it (token object, sensitive, extractable).
func knownSecret(t *testing.T, tok *Token, label string, keyType uint, value []byte) {
	t.Helper()
	tmpl := []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, value),
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, keyType == pkcs11.CKK_AES),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, keyType != pkcs11.CKK_AES),
	}
	createObject(t, tok, append(tmpl, tokenKeyAttrs(label, []byte("id-"+label))...))
}

func objectCount(t *testing.T, tok *Token) int {
	t.Helper()
	n, err := tok.ObjectCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}
