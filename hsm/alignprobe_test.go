package hsm

import (
	"crypto/elliptic"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// strictForSecrets is SoftHSM with a CKM_AES_KEY_WRAP (RFC 3394) that
// refuses unaligned secret keys, as RFC 3394 says it must, but still
// zero-pads private keys' PKCS#8 as SoftHSM 2.6.1 does: a token whose
// checks differ by class. Every other call reaches SoftHSM unchanged.
type strictForSecrets struct{ p11 }

func (s *strictForSecrets) WrapKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, w, k pkcs11.ObjectHandle) ([]byte, error) {
	if len(m) == 1 && m[0].Mechanism == CKMAESKeyWrap {
		a, err := s.p11.GetAttributeValue(sh, k, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, nil), pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, nil)})
		if err == nil && len(a) == 2 {
			class, _ := ulong(a[0].Value)
			n, _ := ulong(a[1].Value)
			if class == pkcs11.CKO_SECRET_KEY && n%8 != 0 {
				return nil, pkcs11.Error(pkcs11.CKR_KEY_SIZE_RANGE)
			}
		}
	}
	return s.p11.WrapKey(sh, m, w, k)
}

// TestAlignmentProbeMeasuredOnPrivateKeys: the alignment probe (C_WrapKey
// with CKM_AES_KEY_WRAP, which must refuse material that is not a multiple
// of 8 bytes) decides for private keys' PKCS#8, so the self-test must see it
// refuse an unaligned private key, not only an unaligned secret. On a token
// that refuses the 28-byte secret but zero-pads a P-256 PKCS#8 (67 bytes),
// the probe is not trusted, and a P-256 key is refused instead of wrapped
// with the mis-padding 0x210A.
func TestAlignmentProbeMeasuredOnPrivateKeys(t *testing.T) {
	s := &strictForSecrets{}
	wrapModule = func(p p11) p11 { s.p11 = p; return s }
	t.Cleanup(func() { wrapModule = nil })
	st := softhsmtest.New(t)
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err)
	defer tok.Close()
	caps, err := tok.SelfTest()
	require.NoError(t, err)
	require.True(t, refusesUnalignedSecret(t, tok), "the stand-in does not refuse an unaligned secret: the test tests nothing")
	require.False(t, caps.AlignmentProbe, "the alignment probe is trusted on a token that zero-pads unaligned private keys")
	require.Equal(t, 67, caps.ECPKCS8Len["P-256"], "EC PKCS#8 lengths not measured instead: %v", caps.ECPKCS8Len)
	knownEC(t, tok, "p256", goEC(t, elliptic.P256()))
	wrapping := goRSA(t, 2048)
	_, err = wrapCounted(t, tok, findKey(t, tok, "p256"), &wrapping.PublicKey, RSAAESKeyWrapSHA1)
	require.ErrorIs(t, err, ErrUnsupported, "P-256 (PKCS#8 of 67 bytes) under the mis-padding 0x210A: %v, want ErrUnsupported", err)
}

// refusesUnalignedSecret wraps a 28-byte session secret with CKM_AES_KEY_WRAP.
func refusesUnalignedSecret(t *testing.T, tok *Token) bool {
	t.Helper()
	tok.mu.Lock()
	defer tok.mu.Unlock()
	kek, err := tok.ephemeralAES()
	require.NoError(t, err)
	defer tok.destroy(kek, nil)
	secret, err := tok.knownSecret(pkcs11.CKK_GENERIC_SECRET, make([]byte, 28), false)
	require.NoError(t, err)
	defer tok.destroy(secret, nil)
	_, err = tok.wrapKey(pkcs11.NewMechanism(CKMAESKeyWrap, nil), kek, secret)
	return ckr(err, pkcs11.CKR_KEY_SIZE_RANGE)
}
