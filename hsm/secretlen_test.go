package hsm

import (
	"crypto/rand"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noValueLen is SoftHSM answering for CKA_VALUE_LEN as opencryptoki does for
// an AES key it did not generate (CKR_ATTRIBUTE_TYPE_INVALID). It records
// the templates of generated keys and can fail the n-th C_WrapKey with
// CKR_DEVICE_ERROR.
type noValueLen struct {
	p11
	failWrap, wraps int
	generated       [][]*pkcs11.Attribute
}

func (s *noValueLen) GetAttributeValue(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle, a []*pkcs11.Attribute) ([]*pkcs11.Attribute, error) {
	for _, x := range a {
		if x.Type == pkcs11.CKA_VALUE_LEN {
			return nil, pkcs11.Error(pkcs11.CKR_ATTRIBUTE_TYPE_INVALID)
		}
	}
	return s.p11.GetAttributeValue(sh, o, a)
}

func (s *noValueLen) WrapKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, w, k pkcs11.ObjectHandle) ([]byte, error) {
	if s.wraps++; s.wraps == s.failWrap {
		return nil, pkcs11.Error(pkcs11.CKR_DEVICE_ERROR)
	}
	return s.p11.WrapKey(sh, m, w, k)
}

func (s *noValueLen) GenerateKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, tmpl []*pkcs11.Attribute) (pkcs11.ObjectHandle, error) {
	s.generated = append(s.generated, tmpl)
	return s.p11.GenerateKey(sh, m, tmpl)
}

// TestSecretLenInsideTheHSM: where the token gives no CKA_VALUE_LEN, the
// length of an AES-256 key is learnt inside the HSM (SoftHSM's AES key
// wraps bound it to 25..32 bytes: of AES's lengths, 32), under a session
// key that can never leave the HSM; every session object is destroyed, on
// the way out of every failure too (a device error at each C_WrapKey).
func TestSecretLenInsideTheHSM(t *testing.T) {
	s := &noValueLen{}
	wrapModule = func(p p11) p11 { s.p11 = p; return s }
	t.Cleanup(func() { wrapModule = nil })
	st := softhsmtest.New(t)
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err)
	defer tok.Close()
	v := make([]byte, 32)
	rand.Read(v)
	knownSecret(t, tok, "aes", pkcs11.CKK_AES, v)
	before := objectCount(t, tok)
	keys, err := tok.ListKeys()
	require.NoError(t, err)
	require.Len(t, keys, 1, "listed %+v", keys)
	require.Equal(t, "SYMMETRIC_DEFAULT", keys[0].KeySpec, "listed %+v", keys)
	require.Equal(t, 32, keys[0].MaterialLen, "listed %+v", keys)
	require.Empty(t, keys[0].NotImportable, "listed %+v", keys)
	after := objectCount(t, tok)
	require.Equal(t, before, after, "%d objects before ListKeys, %d after", before, after)
	require.Len(t, s.generated, 1, "%d keys generated, want the one session key that measures", len(s.generated))
	want := map[uint]bool{pkcs11.CKA_TOKEN: false, pkcs11.CKA_EXTRACTABLE: false, pkcs11.CKA_SENSITIVE: true, pkcs11.CKA_DECRYPT: false}
	for _, a := range s.generated[0] {
		if w, ok := want[a.Type]; ok {
			assert.Equal(t, w, boolAttr(a.Value), "measuring key: attribute %#x is %v, want %v", a.Type, !w, w)
			delete(want, a.Type)
		}
	}
	assert.Empty(t, want, "measuring key's template leaves out %v", want)
	wraps := s.wraps
	require.NotZero(t, wraps, "no C_WrapKey: the length was not measured")
	for n := 1; n <= wraps; n++ {
		s.failWrap, s.wraps = n, 0
		_, err := tok.ListKeys()
		assert.True(t, isDeviceFault(err), "device error at C_WrapKey #%d: ListKeys gave %v", n, err)
		s.failWrap = 0
		after := objectCount(t, tok)
		require.Equal(t, before, after, "device error at C_WrapKey #%d: %d objects before, %d after", n, before, after)
	}
}
