package hsm

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// RFC 5649 section 6 vectors.
func TestKWPRFC5649Vectors(t *testing.T) {
	kek := unhex(t, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8")
	for _, v := range []struct{ key, wrap string }{
		{"c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
		{"466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"},
	} {
		key, want := unhex(t, v.key), unhex(t, v.wrap)
		got, err := kwpWrap(kek, key)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("wrap %s = %x, %v; want %x", v.key, got, err, want)
		}
		back, err := kwpUnwrap(kek, want)
		if err != nil || !bytes.Equal(back, key) {
			t.Fatalf("unwrap %s = %x, %v", v.wrap, back, err)
		}
	}
}

func TestKWPRoundTripAndRejects(t *testing.T) {
	kek := bytes.Repeat([]byte{7}, 32)
	for n := 1; n <= 70; n++ {
		p := bytes.Repeat([]byte{byte(n)}, n)
		w, err := kwpWrap(kek, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(w) != (n+7)/8*8+8 {
			t.Fatalf("n=%d: wrapped length %d", n, len(w))
		}
		got, err := kwpUnwrap(kek, w)
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("n=%d: %x, %v", n, got, err)
		}
		w[len(w)-1] ^= 1
		if _, err := kwpUnwrap(kek, w); !errors.Is(err, errKWP) {
			t.Fatalf("n=%d: tampered blob gave %v", n, err)
		}
	}
	// A length indicator that counts zero padding (SoftHSM 2.6.1's 0x210A on
	// 28 bytes) unwraps to 32 bytes: the self-test compares and catches it.
	p := bytes.Repeat([]byte{9}, 28)
	buggy, _ := kwpWrap(kek, append(p, 0, 0, 0, 0))
	got, err := kwpUnwrap(kek, buggy)
	if err != nil || bytes.Equal(got, p) {
		t.Fatalf("mis-padded blob not told apart: %x, %v", got, err)
	}
}
