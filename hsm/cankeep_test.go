package hsm

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSelfTestKeptByToken: the Token runs its self-test once and keeps the
// verdict. Wrap is given no verdict: on a Token never asked for one it
// runs the self-test itself and refuses what the test refused; later calls
// run nothing again; the copy SelfTest returns is the caller's to change.
func TestSelfTestKeptByToken(t *testing.T) {
	f := &faulty{}
	wrapModule = func(p p11) p11 { f.p11 = p; return f }
	t.Cleanup(func() { wrapModule = nil })
	tok, _ := openTest(t)
	k, err := tok.GenerateKey("aes", specParams(t, "SYMMETRIC_DEFAULT"))
	require.NoError(t, err)
	wk := goRSA(t, 2048)
	// SoftHSM 2.6.1 gets SHA-256 OAEP wrong (selftest_test.go).
	_, err = wrapCounted(t, tok, k, &wk.PublicKey, OAEPSHA256)
	var no *CannotWrapError
	require.ErrorIs(t, err, ErrUnsupported, "SHA-256 OAEP on a token never self-tested: %v", err)
	require.ErrorAs(t, err, &no, "SHA-256 OAEP on a token never self-tested: %v", err)
	require.Equal(t, OAEPSHA256, no.Mechanism, "SHA-256 OAEP on a token never self-tested: %v", err)
	ran := f.wraps
	require.NotZero(t, ran, "Wrap refused without running the self-test")
	caps, err := tok.SelfTest()
	require.NoError(t, err)
	require.Equal(t, ran, f.wraps, "SelfTest ran again: %d more C_WrapKey calls", f.wraps-ran)
	r, ok := caps.Result(OAEPSHA256)
	require.True(t, ok, "kept verdict for SHA-256 OAEP: %+v", r)
	require.False(t, r.OK, "kept verdict for SHA-256 OAEP: %+v", r)
	for i := range caps.Algorithms {
		caps.Algorithms[i].OK = true // the caller's copy
	}
	err = tok.CanWrap(k, OAEPSHA256)
	require.ErrorAs(t, err, &no, "CanWrap after the caller changed its copy: %v", err)
	require.NotEmpty(t, no.Reason, "CanWrap after the caller changed its copy: %v", err)
	again, _ := tok.SelfTest()
	require.NotSame(t, caps, again, "SelfTest gave out the Token's own verdict")
	r, _ = again.Result(OAEPSHA256)
	require.False(t, r.OK, "the caller's change reached the Token's verdict")
	require.NoError(t, tok.CanWrap(k, OAEPSHA1), "CanWrap SHA-1 OAEP")
	_, err = wrapCounted(t, tok, k, &wk.PublicKey, OAEPSHA1)
	require.NoError(t, err)
	require.Equal(t, ran+1, f.wraps, "one wrap made %d C_WrapKey calls, want 1", f.wraps-ran)
}

// TestCanWrapSaysWhy: the token answers for itself what it would get
// wrong, with the reason: plain RSA-OAEP of a private key (SoftHSM 2.6.1
// refuses it), and a secret key whose length its AES key wrap with padding
// mis-pads (SoftHSM 2.6.1's 0x210A, 28 bytes).
func TestCanWrapSaysWhy(t *testing.T) {
	tok, _ := openTest(t)
	ec, err := tok.GenerateKey("p256", specParams(t, "ECC_NIST_P256"))
	require.NoError(t, err)
	h224, err := tok.GenerateKey("h224", specParams(t, "HMAC_224"))
	require.NoError(t, err)
	h256, err := tok.GenerateKey("h256", specParams(t, "HMAC_256"))
	require.NoError(t, err)
	for _, c := range []struct {
		k    *Key
		m    WrapMechanism
		want string // "" for no objection
	}{
		{ec, OAEPSHA1, "will not wrap private keys with plain RSA-OAEP"},
		{ec, RSAAESKeyWrapSHA1, ""}, // only the wrap tells the PKCS#8 length
		{h224, RSAAESKeyWrapSHA1, "mis-pads material whose length is not a multiple of 8 and this key's is 28 bytes"},
		{h256, RSAAESKeyWrapSHA1, ""},
		{h224, OAEPSHA1, ""},
		{h224, WrapMechanism{}, "was not self-tested"},
	} {
		err := tok.CanWrap(c.k, c.m)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %v: %v", c.k.Label, c.m, err)
		case c.want != "" && (!errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %v: %v, want %q", c.k.Label, c.m, err, c.want)
		}
	}
}
