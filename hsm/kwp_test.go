package hsm

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
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
		require.NoError(t, err, "wrap %s = %x, %v; want %x", v.key, got, err, want)
		require.Equal(t, want, got, "wrap %s = %x, %v; want %x", v.key, got, err, want)
		back, err := kwpUnwrap(kek, want)
		require.NoError(t, err, "unwrap %s = %x, %v", v.wrap, back, err)
		require.Equal(t, key, back, "unwrap %s = %x, %v", v.wrap, back, err)
	}
}

func TestKWPRoundTripAndRejects(t *testing.T) {
	kek := bytes.Repeat([]byte{7}, 32)
	for n := 1; n <= 70; n++ {
		p := bytes.Repeat([]byte{byte(n)}, n)
		w, err := kwpWrap(kek, p)
		require.NoError(t, err)
		require.Len(t, w, (n+7)/8*8+8, "n=%d: wrapped length %d", n, len(w))
		got, err := kwpUnwrap(kek, w)
		require.NoError(t, err, "n=%d: %x, %v", n, got, err)
		require.Equal(t, p, got, "n=%d: %x, %v", n, got, err)
		w[len(w)-1] ^= 1
		_, err = kwpUnwrap(kek, w)
		require.ErrorIs(t, err, errKWP, "n=%d: tampered blob gave", n)
	}
	// A length indicator that counts zero padding (SoftHSM 2.6.1's 0x210A on
	// 28 bytes) unwraps to 32 bytes: the self-test compares and catches it.
	p := bytes.Repeat([]byte{9}, 28)
	buggy, _ := kwpWrap(kek, append(p, 0, 0, 0, 0))
	got, err := kwpUnwrap(kek, buggy)
	require.NoError(t, err, "mis-padded blob not told apart: %x, %v", got, err)
	require.False(t, bytes.Equal(got, p), "mis-padded blob not told apart: %x, %v", got, err)
}
