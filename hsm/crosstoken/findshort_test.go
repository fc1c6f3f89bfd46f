package crosstoken

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// TestFindEndsOnShortAnswer pins what hsm's searches rely on to make one
// C_FindObjects per search (hsm/objects.go, find): on SoftHSM, opencryptoki
// and NSS, C_FindObjects gives as many handles as are left, up to the
// number asked for, so an answer shorter than asked is the last one. Five
// objects share a label; asked for two at a time, the token answers 2, 2,
// 1 (and then nothing); asked for five or more at once, 5.
func TestFindEndsOnShortAnswer(t *testing.T) {
	for _, row := range makers {
		t.Run(row.kind, func(t *testing.T) {
			ht := row.new(t)
			ctx := pkcs11.New(ht.Module)
			require.NotNil(t, ctx, "cannot load %s", ht.Module)
			defer ctx.Destroy()
			if ht.InitParams != "" {
				params := append([]byte(ht.InitParams), 0)
				require.NoError(t, ctx.Initialize(pkcs11.InitializeWithReserved(unsafe.Pointer(&params[0]))))
			} else {
				require.NoError(t, ctx.Initialize())
			}
			defer ctx.Finalize()
			sh := login(t, ctx, ht)
			defer ctx.CloseSession(sh)
			label := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, "short-answer")}
			for range 5 {
				_, err := ctx.GenerateKey(sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_KEY_GEN, nil)}, append([]*pkcs11.Attribute{
					pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
					pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
					pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, 32),
					pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),
				}, label...))
				require.NoError(t, err)
			}
			answers := func(max int) string {
				require.NoError(t, ctx.FindObjectsInit(sh, label))
				defer func() { require.NoError(t, ctx.FindObjectsFinal(sh)) }()
				var got []int
				for range 10 {
					hs, _, err := ctx.FindObjects(sh, max)
					require.NoError(t, err)
					got = append(got, len(hs))
					if len(hs) == 0 {
						break
					}
				}
				return fmt.Sprint(got)
			}
			require.Equal(t, "[2 2 1 0]", answers(2), "asked for 2 handles at a time")
			require.Equal(t, "[5 0]", answers(5), "asked for 5 at once")
			require.Equal(t, "[5 0]", answers(64), "asked for 64 at once")
		})
	}
}
