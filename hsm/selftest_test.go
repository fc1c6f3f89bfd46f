package hsm

import (
	"strings"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
)

// TestSelfTestSoftHSM holds SelfTest to what SoftHSM 2.6.1 really does:
// SHA-1 OAEP works, SHA-256 OAEP is refused, no CKM_RSA_AES_KEY_WRAP, and
// 0x210A is RFC 5649 for aligned lengths only.
func TestSelfTestSoftHSM(t *testing.T) {
	tok, _ := openTest(t)
	before := objectCount(t, tok)
	caps, err := tok.SelfTest()
	if err != nil {
		t.Fatal(err)
	}
	if after := objectCount(t, tok); after != before {
		t.Fatalf("%d objects before SelfTest, %d after", before, after)
	}
	for _, r := range caps.Algorithms {
		t.Logf("%-24s OK=%-5v %s | %s", r.Algorithm, r.OK, r.Mechanism, r.Reason)
	}
	want := map[WrapMechanism]bool{
		OAEPSHA1: true, OAEPSHA256: false,
		RSAAESKeyWrapSHA1: true, RSAAESKeyWrapSHA256: false,
	}
	if len(caps.Algorithms) != len(want) {
		t.Fatalf("%d results", len(caps.Algorithms))
	}
	for alg, ok := range want {
		r, found := caps.Result(alg)
		if !found || r.OK != ok {
			t.Fatalf("%s: %+v", alg, r)
		}
		if !ok && r.Reason == "" {
			t.Fatalf("%s: not OK without a reason", alg)
		}
	}
	if r, _ := caps.Result(OAEPSHA256); !strings.Contains(r.Reason, "CKR_ARGUMENTS_BAD") || !strings.Contains(r.Reason, "_SHA_1") {
		t.Fatalf("SHA-256 reason does not say what happened and what to do: %q", r.Reason)
	}
	if caps.KWPMechanism != CKMAESKeyWrapPad || caps.KWPPadsCorrectly || caps.RSAAESKeyWrapSingle || caps.AlignmentProbe || caps.OAEPPrivateKeys {
		t.Fatalf("KWP: %+v", caps)
	}
	if caps.ECPKCS8Len["P-256"] != 67 || caps.ECPKCS8Len["P-384"] != 80 {
		t.Fatalf("EC PKCS#8 lengths: %v", caps.ECPKCS8Len)
	}
	if r, _ := caps.Result(RSAAESKeyWrapSHA1); !strings.Contains(r.Mechanism, "0x210A") || !strings.Contains(r.Reason, "multiple of 8") {
		t.Fatalf("RSA_AES_KEY_WRAP_SHA_1: %+v", r)
	}
}

// TestSelfTestForcedKWP: a forced mechanism is the only one tried.
func TestSelfTestForcedKWP(t *testing.T) {
	st := softhsmtest.New(t)
	for _, m := range []uint{CKMAESKeyWrapKWP, 0x80001234} {
		tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput, KWPMechanism: m})
		if err != nil {
			t.Fatal(err)
		}
		caps, err := tok.SelfTest()
		tok.Close()
		if err != nil {
			t.Fatal(err)
		}
		r, _ := caps.Result(RSAAESKeyWrapSHA1)
		if caps.KWPMechanism != 0 || r.OK || !strings.Contains(r.Reason, MechanismName(m)) {
			t.Fatalf("forced %#x: %+v %+v", m, caps, r)
		}
	}
}
