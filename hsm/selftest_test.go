package hsm

import (
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/stretchr/testify/require"
)

// TestSelfTestSoftHSM holds SelfTest to what SoftHSM 2.6.1 really does:
// SHA-1 OAEP works, SHA-256 OAEP is refused, no CKM_RSA_AES_KEY_WRAP, and
// 0x210A is RFC 5649 for aligned lengths only.
func TestSelfTestSoftHSM(t *testing.T) {
	tok, _ := openTest(t)
	before := objectCount(t, tok)
	caps, err := tok.SelfTest()
	require.NoError(t, err)
	after := objectCount(t, tok)
	require.Equal(t, before, after, "%d objects before SelfTest, %d after", before, after)
	for _, r := range caps.Algorithms {
		t.Logf("%-24s OK=%-5v %s | %s", r.Algorithm, r.OK, r.Mechanism, r.Reason)
	}
	want := map[WrapMechanism]bool{
		OAEPSHA1: true, OAEPSHA256: false,
		RSAAESKeyWrapSHA1: true, RSAAESKeyWrapSHA256: false,
	}
	require.Len(t, caps.Algorithms, len(want), "%d results", len(caps.Algorithms))
	for alg, ok := range want {
		r, found := caps.Result(alg)
		require.True(t, found, "%s: %+v", alg, r)
		require.Equal(t, ok, r.OK, "%s: %+v", alg, r)
		require.False(t, !ok && r.Reason == "", "%s: not OK without a reason", alg)
	}
	r, _ := caps.Result(OAEPSHA256)
	require.Contains(t, r.Reason, "CKR_ARGUMENTS_BAD", "SHA-256 reason does not say what happened and what to do: %q", r.Reason)
	require.Contains(t, r.Reason, "_SHA_1", "SHA-256 reason does not say what happened and what to do: %q", r.Reason)
	require.Equal(t, uint(CKMAESKeyWrapPad), caps.KWPMechanism, "KWP: %+v", caps)
	require.False(t, caps.KWPPadsCorrectly, "KWP: %+v", caps)
	require.False(t, caps.RSAAESKeyWrapSingle, "KWP: %+v", caps)
	require.False(t, caps.AlignmentProbe, "KWP: %+v", caps)
	require.False(t, caps.OAEPPrivateKeys, "KWP: %+v", caps)
	require.Equal(t, 67, caps.ECPKCS8Len["P-256"], "EC PKCS#8 lengths: %v", caps.ECPKCS8Len)
	require.Equal(t, 80, caps.ECPKCS8Len["P-384"], "EC PKCS#8 lengths: %v", caps.ECPKCS8Len)
	r, _ = caps.Result(RSAAESKeyWrapSHA1)
	require.Contains(t, r.Mechanism, "0x210A", "RSA_AES_KEY_WRAP_SHA_1: %+v", r)
	require.Contains(t, r.Reason, "multiple of 8", "RSA_AES_KEY_WRAP_SHA_1: %+v", r)
}

// TestSelfTestForcedKWP: a forced mechanism is the only one tried.
func TestSelfTestForcedKWP(t *testing.T) {
	st := softhsmtest.New(t)
	for _, m := range []uint{CKMAESKeyWrapKWP, 0x80001234} {
		tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput, KWPMechanism: m})
		require.NoError(t, err)
		caps, err := tok.SelfTest()
		tok.Close()
		require.NoError(t, err)
		r, _ := caps.Result(RSAAESKeyWrapSHA1)
		require.Zero(t, caps.KWPMechanism, "forced %#x: %+v %+v", m, caps, r)
		require.False(t, r.OK, "forced %#x: %+v %+v", m, caps, r)
		require.Contains(t, r.Reason, MechanismName(m), "forced %#x: %+v %+v", m, caps, r)
	}
}
