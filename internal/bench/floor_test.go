package bench

import (
	"crypto/rsa"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// floor is a bare miekg/pkcs11 session on the same token the hsm package has
// open: the PKCS#11 calls a wrap or a signature cannot do without, and
// nothing else. The module is already initialised and logged in by hsm.Open
// (PKCS#11 login is per application), so this only opens a session.
type floor struct {
	ctx *pkcs11.Ctx
	p   floorP11 // ctx, or ctx with every call counted and delayed (calls_bench_test.go)
	sh  pkcs11.SessionHandle
}

// floorP11 is what the floor calls per key.
type floorP11 interface {
	FindObjectsInit(sh pkcs11.SessionHandle, temp []*pkcs11.Attribute) error
	FindObjects(sh pkcs11.SessionHandle, max int) ([]pkcs11.ObjectHandle, bool, error)
	FindObjectsFinal(sh pkcs11.SessionHandle) error
	CreateObject(sh pkcs11.SessionHandle, temp []*pkcs11.Attribute) (pkcs11.ObjectHandle, error)
	DestroyObject(sh pkcs11.SessionHandle, oh pkcs11.ObjectHandle) error
	GenerateKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, temp []*pkcs11.Attribute) (pkcs11.ObjectHandle, error)
	WrapKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, wrappingkey, key pkcs11.ObjectHandle) ([]byte, error)
	SignInit(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, o pkcs11.ObjectHandle) error
	Sign(sh pkcs11.SessionHandle, message []byte) ([]byte, error)
}

func newFloor(b *testing.B, h *hsmToken) *floor {
	b.Helper()
	ctx := pkcs11.New(h.st.Module)
	require.NotNil(b, ctx, "load %s", h.st.Module)
	initialized := false
	switch err := ctx.Initialize(); {
	case err == nil:
		initialized = true
	case !isCKR(err, pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED):
		b.Fatal(err)
	}
	slots, err := ctx.GetSlotList(true)
	require.NoError(b, err)
	var slot uint
	found := false
	for _, s := range slots {
		ti, err := ctx.GetTokenInfo(s)
		if err == nil && strings.TrimRight(ti.Label, " \x00") == h.st.Label {
			slot, found = s, true
		}
	}
	require.True(b, found, "token %q not found", h.st.Label)
	sh, err := ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	require.NoError(b, err)
	err = ctx.Login(sh, pkcs11.CKU_USER, h.st.PIN)
	require.False(b, err != nil && !isCKR(err, pkcs11.CKR_USER_ALREADY_LOGGED_IN), "%v", err)
	f := &floor{ctx: ctx, p: ctx, sh: sh}
	b.Cleanup(func() {
		_ = ctx.CloseSession(sh)
		if initialized { // else an open hsm.Token owns C_Finalize
			_ = ctx.Finalize()
		}
		ctx.Destroy()
	})
	return f
}

// login logs the process in again (PKCS#11 login is per process: another
// session's C_Logout ends it for every session).
func (f *floor) login(b *testing.B, pin string) {
	b.Helper()
	err := f.ctx.Login(f.sh, pkcs11.CKU_USER, pin)
	require.False(b, err != nil && !isCKR(err, pkcs11.CKR_USER_ALREADY_LOGGED_IN), "%v", err)
}

func isCKR(err error, rv uint) bool {
	var e pkcs11.Error
	return errors.As(err, &e) && uint(e) == rv
}

// handle finds the one object of class with label (setup, not timed).
func (f *floor) handle(b *testing.B, class uint, label string) pkcs11.ObjectHandle {
	b.Helper()
	tmpl := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class), pkcs11.NewAttribute(pkcs11.CKA_LABEL, label)}
	require.NoError(b, f.ctx.FindObjectsInit(f.sh, tmpl))
	hs, _, err := f.ctx.FindObjects(f.sh, 2)
	_ = f.ctx.FindObjectsFinal(f.sh)
	require.NoError(b, err, "find %q: %d objects, %v", label, len(hs), err)
	require.Len(b, hs, 1, "find %q: %d objects, %v", label, len(hs), err)
	return hs[0]
}

// pub creates the session RSA public key object a wrap needs (the minimum template).
func (f *floor) pub(k *rsa.PublicKey) (pkcs11.ObjectHandle, error) {
	return f.p.CreateObject(f.sh, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_RSA),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),
		pkcs11.NewAttribute(pkcs11.CKA_MODULUS, k.N.Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, big.NewInt(int64(k.E)).Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, true),
	})
}

var oaepSHA1 = []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_OAEP,
	pkcs11.NewOAEPParams(pkcs11.CKM_SHA_1, pkcs11.CKG_MGF1_SHA1, pkcs11.CKZ_DATA_SPECIFIED, nil))}

// wrapOAEP: create the public key object, C_WrapKey(RSA-OAEP), destroy.
func (f *floor) wrapOAEP(k *rsa.PublicKey, target pkcs11.ObjectHandle) ([]byte, error) {
	pub, err := f.pub(k)
	if err != nil {
		return nil, err
	}
	defer f.p.DestroyObject(f.sh, pub)
	return f.p.WrapKey(f.sh, oaepSHA1, pub, target)
}

// kwpSoftHSM is SoftHSM 2.6.1's AES key wrap with padding (0x210A).
const kwpSoftHSM = 0x210A

// wrapRSAAES: create the public key object, generate an ephemeral AES-256
// session key, C_WrapKey(KWP) of the target under it, C_WrapKey(RSA-OAEP) of
// the AES key, destroy both: RSA_AES_KEY_WRAP in two steps, as SoftHSM needs.
func (f *floor) wrapRSAAES(k *rsa.PublicKey, target pkcs11.ObjectHandle) ([]byte, error) {
	pub, err := f.pub(k)
	if err != nil {
		return nil, err
	}
	defer f.p.DestroyObject(f.sh, pub)
	eph, err := f.p.GenerateKey(f.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_AES_KEY_GEN, nil)}, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, 32),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, true),
	})
	if err != nil {
		return nil, err
	}
	defer f.p.DestroyObject(f.sh, eph)
	kwp, err := f.p.WrapKey(f.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(kwpSoftHSM, nil)}, eph, target)
	if err != nil {
		return nil, err
	}
	rsaPart, err := f.p.WrapKey(f.sh, oaepSHA1, pub, eph)
	if err != nil {
		return nil, err
	}
	return append(rsaPart, kwp...), nil
}

// sign: C_SignInit + C_Sign(CKM_ECDSA) over a digest.
func (f *floor) sign(key pkcs11.ObjectHandle, digest []byte) ([]byte, error) {
	if err := f.p.SignInit(f.sh, []*pkcs11.Mechanism{pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil)}, key); err != nil {
		return nil, err
	}
	return f.p.Sign(f.sh, digest)
}
