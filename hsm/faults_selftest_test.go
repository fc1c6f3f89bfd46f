package hsm

import (
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// TestFaultDuringSelfTestIsAnError: a device error in any known-answer test's
// C_WrapKey is an error from SelfTest, never a verdict that the token cannot
// produce an algorithm (which would send the operator to another algorithm
// or HSM for what is a broken device). A refusal, by contrast, stays a
// verdict: SoftHSM's SHA-256 OAEP is still reported OK=false.
func TestFaultDuringSelfTestIsAnError(t *testing.T) {
	st := softhsmtest.New(t)
	for _, rv := range []string{"CKR_DEVICE_ERROR", "CKR_SESSION_HANDLE_INVALID"} {
		for _, nth := range []string{"1", "3"} {
			t.Run(rv+"/WrapKey#"+nth, func(t *testing.T) {
				inject(t, "WrapKey:"+nth+":"+rv)
				tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
				require.NoError(t, err)
				defer tok.Close()
				caps, err := tok.SelfTest()
				require.Error(t, err, "SelfTest hid a %s in C_WrapKey #%s as verdicts: %+v", rv, nth, caps)
				var e pkcs11.Error
				require.ErrorAs(t, err, &e, "error does not carry %s: %v", rv, err)
				require.Equal(t, ckrNames[rv], uint(e), "error does not carry %s: %v", rv, err)
			})
		}
	}

	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err)
	defer tok.Close()
	caps, err := tok.SelfTest()
	require.NoError(t, err, "no fault injected")
	r, _ := caps.Result(OAEPSHA256)
	require.False(t, r.OK, "SoftHSM's refusal of SHA-256 OAEP is no longer a verdict: %+v", r)
	require.NotEmpty(t, r.Reason, "SoftHSM's refusal of SHA-256 OAEP is no longer a verdict: %+v", r)
}
