package crosstoken

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"unsafe"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/hsm/internal/p11raw"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// TestNSSLengthQuirk shows the quirk hsm's wrapKey works around, on the
// real NSS softokn: for CKM_AES_KEY_WRAP_KWP its length query returns the
// input length (28 for a 28-byte secret, whose RFC 5649 output is 40), so
// miekg's two-call WrapKey fails with CKR_BUFFER_TOO_SMALL, while one call
// into a caller-sized buffer gives the 40 bytes. If NSS ever answers
// correctly, this test fails: then docs/HSM-NOTES.md needs updating.
func TestNSSLengthQuirk(t *testing.T) {
	ht := hsmtest.NSS(t)
	ctx := pkcs11.New(ht.Module)
	require.NotNil(t, ctx, "cannot load NSS softokn")
	defer ctx.Destroy()
	params := append([]byte(ht.InitParams), 0)
	require.NoError(t, ctx.Initialize(pkcs11.InitializeWithReserved(unsafe.Pointer(&params[0]))))
	defer ctx.Finalize()
	sh := login(t, ctx, ht)
	defer ctx.CloseSession(sh)
	kek, err := ctx.GenerateKey(sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_KEY_GEN, nil)}, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, 32),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, true),
	})
	require.NoError(t, err)
	secret, err := ctx.GenerateKey(sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_GENERIC_SECRET_KEY_GEN, nil)}, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_GENERIC_SECRET),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, 28),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),
	})
	require.NoError(t, err)
	_, err = ctx.WrapKey(sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(hsm.CKMAESKeyWrapKWP, nil)}, kek, secret)
	require.ErrorIs(t, err, pkcs11.Error(pkcs11.CKR_BUFFER_TOO_SMALL), "two-call C_WrapKey(0x210B): %v, want CKR_BUFFER_TOO_SMALL (has NSS fixed its length query?)", err)
	raw, err := p11raw.Open(ht.Module)
	require.NoError(t, err)
	defer raw.Close()
	n, rv := raw.WrapLen(uint(sh), hsm.CKMAESKeyWrapKWP, uint(kek), uint(secret))
	require.Zero(t, rv, "length query: %d bytes, CK_RV %#x; measured before: 28, CKR_OK", n, rv)
	require.Equal(t, 28, n, "length query: %d bytes, CK_RV %#x; measured before: 28, CKR_OK", n, rv)
	out, _, rv := raw.WrapKey(uint(sh), hsm.CKMAESKeyWrapKWP, uint(kek), uint(secret), n+16)
	require.Zero(t, rv, "caller-sized C_WrapKey: %d bytes, CK_RV %#x; want 40, CKR_OK", len(out), rv)
	require.Len(t, out, 40, "caller-sized C_WrapKey: %d bytes, CK_RV %#x; want 40, CKR_OK", len(out), rv)
}

// TestNSSPadMechanismRefused: NSS's 0x210A (CKM_AES_KEY_WRAP_PAD) is PKCS#7
// padding then RFC 3394, not RFC 5649. Forced with --kwp-mechanism, the
// self-test must find that and refuse RSA_AES_KEY_WRAP_*.
func TestNSSPadMechanismRefused(t *testing.T) {
	tok := openKWP(t, hsmtest.NSS(t), hsm.CKMAESKeyWrapPad)
	caps, err := tok.SelfTest()
	require.NoError(t, err)
	require.Zero(t, caps.KWPMechanism, "self-test accepted %s", caps.KWPMechanismName)
	for _, alg := range []string{string(kmsrules.RSAAESKeyWrapSHA1), string(kmsrules.RSAAESKeyWrapSHA256)} {
		r, _ := caps.Result(mech(t, alg))
		require.False(t, r.OK, "%s with 0x210A forced: %+v", alg, r)
		require.Contains(t, r.Reason, "0x210A", "%s with 0x210A forced: %+v", alg, r)
	}
	key := generate(t, tok, "ECC_NIST_P256")
	wk, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	_, err = wrapCounted(t, tok, key, &wk.PublicKey, string(kmsrules.RSAAESKeyWrapSHA256))
	require.ErrorIs(t, err, hsm.ErrUnsupported, "wrap with 0x210A forced")
}

// login opens a read-write session logged in as the user (the caller
// closes it before finalising the module).
func login(t *testing.T, ctx *pkcs11.Ctx, ht *hsmtest.Token) pkcs11.SessionHandle {
	t.Helper()
	slots, err := ctx.GetSlotList(true)
	require.NoError(t, err)
	for _, s := range slots {
		ti, err := ctx.GetTokenInfo(s)
		if err != nil || strings.TrimRight(ti.Label, " \x00") != ht.Label {
			continue
		}
		sh, err := ctx.OpenSession(s, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
		require.NoError(t, err)
		require.NoError(t, ctx.Login(sh, pkcs11.CKU_USER, ht.PIN))
		return sh
	}
	t.Fatalf("no token %q", ht.Label)
	return 0
}
