package hsm

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// inject installs an injector with spec around every module loaded until
// the test ends, and returns it.
func inject(t *testing.T, spec string) *injector {
	t.Helper()
	in, err := parseFaults(spec)
	require.NoError(t, err)
	wrapModule = func(p p11) p11 { in.p11 = p; return in }
	t.Cleanup(func() { wrapModule = nil })
	return in
}

// TestFaultWrongPINNeverRetried: a wrong PIN is tried once (one C_Login),
// the error says what the token reports about tries left (SoftHSM 2.6.1
// sets CKF_USER_PIN_COUNT_LOW after one wrong try: measured), and the
// wrong PIN is not in the message.
func TestFaultWrongPINNeverRetried(t *testing.T) {
	in := inject(t, "")
	st := softhsmtest.New(t)
	const wrong = "wrong-pin-8831"
	_, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(wrong)})
	require.ErrorIs(t, err, ErrPINIncorrect, "got %v, want ErrPINIncorrect", err)
	n := in.Calls("Login")
	require.Equal(t, 1, n, "C_Login called %d times for one wrong PIN, want 1", n)
	require.Contains(t, err.Error(), "tries are running low", "the token's CKF_USER_PIN_COUNT_LOW is not reported: %v", err)
	require.NotContains(t, err.Error(), wrong, "the PIN is in the error: %v", err)
}

// TestFaultPINTriesFlags: what a token reports about the PIN's tries is
// passed on; a locked PIN has its own error; neither is retried.
func TestFaultPINTriesFlags(t *testing.T) {
	st := softhsmtest.New(t)
	for _, c := range []struct {
		spec   string
		target error
		want   string
	}{
		{"Login:1:CKR_PIN_INCORRECT,TokenFlags:0x20000", ErrPINIncorrect, "one try left before the PIN locks"},
		{"Login:1:CKR_PIN_INCORRECT,TokenFlags:0x40000", ErrPINIncorrect, "the user PIN is now locked"},
		{"Login:1:CKR_PIN_LOCKED,TokenFlags:0x40000", ErrPINLocked, "is locked"},
	} {
		in := inject(t, c.spec)
		_, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
		require.ErrorIs(t, err, c.target, "%s: got %v, want %v saying %q", c.spec, err, c.target, c.want)
		require.Contains(t, err.Error(), c.want, "%s: got %v, want %v saying %q", c.spec, err, c.target, c.want)
		n := in.Calls("Login")
		require.Equal(t, 1, n, "%s: C_Login called %d times, want 1", c.spec, n)
	}
}

// TestFaultTokenNotPresent: a slot whose token has gone (C_GetTokenInfo
// answers CKR_TOKEN_NOT_PRESENT) is a token not found, never a login.
func TestFaultTokenNotPresent(t *testing.T) {
	in := inject(t, "GetTokenInfo:*:CKR_TOKEN_NOT_PRESENT")
	st := softhsmtest.New(t)
	_, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.ErrorIs(t, err, ErrTokenNotFound, "got %v, want ErrTokenNotFound with none present", err)
	require.Contains(t, err.Error(), "tokens present: none", "got %v, want ErrTokenNotFound with none present", err)
	require.Zero(t, in.Calls("Login"), "a session was opened (%d) or a login tried (%d) without a token", in.Calls("OpenSession"), in.Calls("Login"))
	require.Zero(t, in.Calls("OpenSession"), "a session was opened (%d) or a login tried (%d) without a token", in.Calls("OpenSession"), in.Calls("Login"))
}

// TestFaultNotAPKCS11SharedLibrary: a real shared library that is not a
// PKCS#11 module (the C library this test process runs on) and a directory.
func TestFaultNotAPKCS11SharedLibrary(t *testing.T) {
	libc := mappedLibc(t)
	for _, path := range []string{libc, t.TempDir()} {
		_, err := Open(Config{ModulePath: path, TokenLabel: "x", PIN: []byte("1234")})
		require.ErrorIs(t, err, ErrModule, "%s: got %v, want ErrModule", path, err)
	}
}

// mappedLibc finds the libc.so this (cgo) test binary has mapped.
func mappedLibc(t *testing.T) string {
	t.Helper()
	f, err := os.Open("/proc/self/maps")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if p := fields[len(fields)-1]; strings.Contains(p, "/libc.so") || strings.Contains(p, "/libc-") {
			return p
		}
	}
	t.Fatal("no libc mapped in this process")
	return ""
}

// TestFaultSessionDiesMidBatch: three keys wrapped in one session; the
// session dies (or the device errs) on the second. The error carries the
// CKR; the third fails too when the session is dead; and no object is left
// on the token: the wrap's own cleanup when the session lives on, the
// session's end when it died. The EC key takes the two-step RSA-AES wrap,
// so a fault on its second C_WrapKey strands an ephemeral AES session key.
func TestFaultSessionDiesMidBatch(t *testing.T) {
	for _, c := range []struct {
		rv   uint
		dies bool
		alg  WrapMechanism
	}{
		{pkcs11.CKR_SESSION_HANDLE_INVALID, true, OAEPSHA1},
		{pkcs11.CKR_DEVICE_REMOVED, true, OAEPSHA1},
		{pkcs11.CKR_DEVICE_ERROR, false, OAEPSHA1},
		{pkcs11.CKR_SESSION_HANDLE_INVALID, true, RSAAESKeyWrapSHA1},
		{pkcs11.CKR_DEVICE_ERROR, false, RSAAESKeyWrapSHA1},
	} {
		t.Run(pkcs11.Error(c.rv).Error()+"/"+c.alg.String(), func(t *testing.T) {
			in := inject(t, "")
			st := softhsmtest.New(t)
			tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
			require.NoError(t, err)
			_, err = tok.SelfTest()
			require.NoError(t, err)
			spec := "SYMMETRIC_DEFAULT"
			if c.alg == RSAAESKeyWrapSHA1 {
				spec = "ECC_NIST_P384"
			}
			var keys []*Key
			for _, l := range []string{"k1", "k2", "k3"} {
				k, err := tok.GenerateKey(l, specParams(t, spec))
				require.NoError(t, err)
				keys = append(keys, k)
			}
			baseline := objectCount(t, tok)
			wrapping := goRSA(t, 2048)
			// the second key's last C_WrapKey fails: its only one under
			// OAEP, the RSA step (after the AES step) under RSA-AES
			perKey := 1
			if c.alg == RSAAESKeyWrapSHA1 {
				perKey = 2
			}
			in.mu.Lock()
			in.rules = []faultRule{{op: "WrapKey", nth: in.calls["WrapKey"] + 2*perKey, rv: c.rv}}
			in.mu.Unlock()
			var errs []error
			for _, k := range keys {
				_, err := tok.Wrap(k, &wrapping.PublicKey, c.alg)
				errs = append(errs, err)
			}
			require.NoError(t, errs[0], "first key: %v", errs[0])
			require.ErrorIs(t, errs[1], pkcs11.Error(c.rv), "second key: got %v, want %v", errs[1], pkcs11.Error(c.rv))
			require.False(t, c.dies != (errs[2] != nil), "third key after the fault: %v (session dead: %v)", errs[2], c.dies)
			if !c.dies {
				n := objectCount(t, tok)
				require.Equal(t, baseline, n, "%d objects after the fault, %d before", n, baseline)
			}
			_ = tok.Close() // a dead session's close fails; the real session still ends
			wrapModule = nil
			again, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
			require.NoError(t, err)
			defer again.Close()
			n := objectCount(t, again)
			require.Equal(t, baseline, n, "%d objects on the token after the fault, %d before", n, baseline)
		})
	}
}

// TestKeyValueNeverReadable: for every key airwrap generates, asking the
// token for CKA_VALUE (or a private key's CKA_PRIVATE_EXPONENT /
// CKA_VALUE) is refused with CKR_ATTRIBUTE_SENSITIVE: the material only
// ever leaves wrapped.
func TestKeyValueNeverReadable(t *testing.T) {
	tok, _ := openTest(t)
	for _, spec := range []string{"SYMMETRIC_DEFAULT", "HMAC_256", "ECC_NIST_P256"} {
		k, err := tok.GenerateKey("k-"+spec, specParams(t, spec))
		require.NoError(t, err)
		tok.mu.Lock()
		hs, err := tok.find([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, k.Label)})
		var leaked []string
		for _, h := range hs {
			for _, a := range []uint{pkcs11.CKA_VALUE, pkcs11.CKA_PRIVATE_EXPONENT} {
				got, gerr := tok.p.GetAttributeValue(tok.sh, h, []*pkcs11.Attribute{pkcs11.NewAttribute(a, nil)})
				if gerr == nil && len(got) == 1 && len(got[0].Value) > 0 {
					if cls, _ := tok.p.GetAttributeValue(tok.sh, h, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, nil)}); len(cls) == 1 && cls[0].Value[0] == byte(pkcs11.CKO_PUBLIC_KEY) {
						continue // a public key's CKA_VALUE / EC point is public
					}
					leaked = append(leaked, fmt.Sprintf("attribute 0x%x", a))
				}
			}
		}
		tok.mu.Unlock()
		require.NoError(t, err, "%s: find: %v (%d objects)", spec, err, len(hs))
		require.NotEmpty(t, hs, "%s: find: %v (%d objects)", spec, err, len(hs))
		require.Empty(t, leaked, "%s: the token gave out %v", spec, leaked)
	}
}
