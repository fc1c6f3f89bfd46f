package hsmtest

import (
	"testing"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// TestEachTokenLogsIn: every harness hands out a token its PIN opens.
func TestEachTokenLogsIn(t *testing.T) {
	for _, k := range Each {
		t.Run(k.Kind, func(t *testing.T) {
			tok := k.New(t)
			ctx := pkcs11.New(tok.Module)
			require.NotNil(t, ctx, "%s: not loadable", tok.Module)
			defer ctx.Destroy()
			var opts []pkcs11.InitializeOption
			if tok.InitParams != "" {
				b := append([]byte(tok.InitParams), 0)
				opts = append(opts, pkcs11.InitializeWithReserved(unsafePtr(b)))
			}
			require.NoError(t, ctx.Initialize(opts...), "C_Initialize")
			defer ctx.Finalize()
			slots, err := ctx.GetSlotList(true)
			require.NoError(t, err)
			var found []uint
			for _, s := range slots {
				ti, err := ctx.GetTokenInfo(s)
				if err == nil && trim(ti.Label) == tok.Label {
					found = append(found, s)
					t.Logf("slot %d: %q %q %q flags %#x", s, trim(ti.Label), trim(ti.ManufacturerID), trim(ti.Model), ti.Flags)
				}
			}
			require.Len(t, found, 1, "%d tokens labelled %q", len(found), tok.Label)
			sh, err := ctx.OpenSession(found[0], pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
			require.NoError(t, err)
			defer ctx.CloseSession(sh)
			require.NoError(t, ctx.Login(sh, pkcs11.CKU_USER, tok.PIN), "C_Login")
			require.Error(t, ctx.Login(sh, pkcs11.CKU_USER, "wrong"), "a second login with a wrong PIN was accepted")
			ctx.Logout(sh)
		})
	}
}
