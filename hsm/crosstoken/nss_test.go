package crosstoken

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"unsafe"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/hsm/internal/p11raw"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
	"github.com/miekg/pkcs11"
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
	if ctx == nil {
		t.Fatal("cannot load NSS softokn")
	}
	defer ctx.Destroy()
	params := append([]byte(ht.InitParams), 0)
	if err := ctx.Initialize(pkcs11.InitializeWithReserved(unsafe.Pointer(&params[0]))); err != nil {
		t.Fatal(err)
	}
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
	if err != nil {
		t.Fatal(err)
	}
	secret, err := ctx.GenerateKey(sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_GENERIC_SECRET_KEY_GEN, nil)}, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_GENERIC_SECRET),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, 28),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ctx.WrapKey(sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(hsm.CKMAESKeyWrapKWP, nil)}, kek, secret)
	if !errors.Is(err, pkcs11.Error(pkcs11.CKR_BUFFER_TOO_SMALL)) {
		t.Fatalf("two-call C_WrapKey(0x210B): %v, want CKR_BUFFER_TOO_SMALL (has NSS fixed its length query?)", err)
	}
	raw, err := p11raw.Open(ht.Module)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	n, rv := raw.WrapLen(uint(sh), hsm.CKMAESKeyWrapKWP, uint(kek), uint(secret))
	if rv != 0 || n != 28 {
		t.Fatalf("length query: %d bytes, CK_RV %#x; measured before: 28, CKR_OK", n, rv)
	}
	out, _, rv := raw.WrapKey(uint(sh), hsm.CKMAESKeyWrapKWP, uint(kek), uint(secret), n+16)
	if rv != 0 || len(out) != 40 {
		t.Fatalf("caller-sized C_WrapKey: %d bytes, CK_RV %#x; want 40, CKR_OK", len(out), rv)
	}
}

// TestNSSPadMechanismRefused: NSS's 0x210A (CKM_AES_KEY_WRAP_PAD) is PKCS#7
// padding then RFC 3394, not RFC 5649. Forced with --kwp-mechanism, the
// self-test must find that and refuse RSA_AES_KEY_WRAP_*.
func TestNSSPadMechanismRefused(t *testing.T) {
	tok := openKWP(t, hsmtest.NSS(t), hsm.CKMAESKeyWrapPad)
	caps, err := tok.SelfTest()
	if err != nil {
		t.Fatal(err)
	}
	if caps.KWPMechanism != 0 {
		t.Fatalf("self-test accepted %s", caps.KWPMechanismName)
	}
	for _, alg := range []string{string(kmsrules.RSAAESKeyWrapSHA1), string(kmsrules.RSAAESKeyWrapSHA256)} {
		if r, _ := caps.Result(mech(t, alg)); r.OK || !strings.Contains(r.Reason, "0x210A") {
			t.Fatalf("%s with 0x210A forced: %+v", alg, r)
		}
	}
	key := generate(t, tok, "ECC_NIST_P256")
	wk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrapCounted(t, tok, key, &wk.PublicKey, string(kmsrules.RSAAESKeyWrapSHA256)); !errors.Is(err, hsm.ErrUnsupported) {
		t.Fatalf("wrap with 0x210A forced: %v", err)
	}
}

// login opens a read-write session logged in as the user (the caller
// closes it before finalising the module).
func login(t *testing.T, ctx *pkcs11.Ctx, ht *hsmtest.Token) pkcs11.SessionHandle {
	t.Helper()
	slots, err := ctx.GetSlotList(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range slots {
		ti, err := ctx.GetTokenInfo(s)
		if err != nil || strings.TrimRight(ti.Label, " \x00") != ht.Label {
			continue
		}
		sh, err := ctx.OpenSession(s, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
		if err != nil {
			t.Fatal(err)
		}
		if err := ctx.Login(sh, pkcs11.CKU_USER, ht.PIN); err != nil {
			t.Fatal(err)
		}
		return sh
	}
	t.Fatalf("no token %q", ht.Label)
	return 0
}
