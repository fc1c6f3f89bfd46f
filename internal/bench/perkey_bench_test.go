package bench

import (
	"crypto"
	"crypto/sha512"
	"testing"
	"time"

	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// wrapBits is the wrapping key size of the per-key benchmarks: RSA_4096,
// what AWS recommends and `airwrap-online prepare` asks for by default.
const wrapBits = 4096

// BenchmarkWrap is one key wrapped, per algorithm SoftHSM 2.6.1 produces:
// airwrap's Token.Wrap (every check it makes per key), the bare PKCS#11
// calls a wrap needs (floor), and the AWS-documented OpenSSL recipe on a
// key in the clear (the usual tool; software, one process per step).
func BenchmarkWrap(b *testing.B) {
	h := newToken(b)
	aes := h.key(b, "aes", "SYMMETRIC_DEFAULT")
	hmac := h.key(b, "hmac", "HMAC_256")
	ec := h.key(b, "ec", "ECC_NIST_P384")
	_, err := h.tok.SelfTest()
	require.NoError(b, err)
	wk := wrappingKey(b, wrapBits)
	f := newFloor(b, h)
	cases := []struct {
		alg   kmsrules.WrappingAlgorithm
		key   *hsm.Key
		class uint
		oaep  bool
	}{
		{kmsrules.RSAESOAEPSHA1, aes, pkcs11.CKO_SECRET_KEY, true},
		{kmsrules.RSAESOAEPSHA1, hmac, pkcs11.CKO_SECRET_KEY, true},
		{kmsrules.RSAAESKeyWrapSHA1, ec, pkcs11.CKO_PRIVATE_KEY, false},
	}
	for _, c := range cases {
		name := string(c.alg) + "/" + c.key.KeySpec
		mech, err := ceremony.WrapMechanism(c.alg)
		require.NoError(b, err)
		target := f.handle(b, c.class, c.key.Label)
		floorWrap := func() error {
			var err error
			if c.oaep {
				_, err = f.wrapOAEP(&wk.PublicKey, target)
			} else {
				_, err = f.wrapRSAAES(&wk.PublicKey, target)
			}
			return err
		}
		airwrapWrap := func() error {
			_, err := h.tok.Wrap(c.key, &wk.PublicKey, mech)
			return err
		}
		b.Run(name+"/paired", func(b *testing.B) { paired(b, floorWrap, airwrapWrap) })
		if c.key.KeySpec == "HMAC_256" {
			continue // the OpenSSL recipe is the same as for SYMMETRIC_DEFAULT
		}
		b.Run(name+"/openssl", func(b *testing.B) {
			r := newRecipe(b, &wk.PublicKey, c.key.KeySpec)
			for b.Loop() {
				if c.oaep {
					r.oaep(b)
				} else {
					r.rsaAES(b)
				}
			}
		})
	}
}

// BenchmarkSign is one ECDSA P-384 signature over a SHA-384 digest: the
// ceremony signer (crypto.Signer) against C_SignInit + C_Sign.
func BenchmarkSign(b *testing.B) {
	h := newToken(b)
	s, err := h.tok.GenerateSigner("signer", hsm.SignerECDSAP384)
	require.NoError(b, err)
	f := newFloor(b, h)
	key := f.handle(b, pkcs11.CKO_PRIVATE_KEY, "signer")
	d := sha512.Sum384([]byte("airwrap benchmark"))
	b.Run("ECDSA_P384/paired", func(b *testing.B) {
		paired(b, func() error {
			_, err := f.sign(key, d[:])
			return err
		}, func() error {
			_, err := s.Sign(nil, d[:], crypto.SHA384)
			return err
		})
	})
}

// paired runs the floor and airwrap's way alternately, once each per
// iteration, so that load from anything else on the machine falls on both
// alike, and reports each one's time and their ratio.
func paired(b *testing.B, floor, airwrap func() error) {
	var tf, ta time.Duration
	for b.Loop() {
		t0 := time.Now()
		require.NoError(b, floor())
		t1 := time.Now()
		require.NoError(b, airwrap())
		tf, ta = tf+t1.Sub(t0), ta+time.Since(t1)
	}
	reportPair(b, tf, ta, b.N)
}

// reportPair reports per-item times of n items and airwrap's ratio to the floor.
func reportPair(b *testing.B, tf, ta time.Duration, n int) {
	if n == 0 || tf == 0 {
		return
	}
	b.ReportMetric(float64(ta.Microseconds())/float64(n), "airwrap-us/key")
	b.ReportMetric(float64(tf.Microseconds())/float64(n), "floor-us/key")
	b.ReportMetric(float64(ta)/float64(tf), "x-floor")
}
