package bench

import (
	"crypto"
	"crypto/sha512"
	"testing"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/verify"
	"github.com/miekg/pkcs11"
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
	caps, err := h.tok.SelfTest()
	if err != nil {
		b.Fatal(err)
	}
	wk := wrappingKey(b, wrapBits)
	f := newFloor(b, h)
	cases := []struct {
		alg   string
		key   *hsm.Key
		class uint
		oaep  bool
	}{
		{verify.RSAESOAEPSHA1, aes, pkcs11.CKO_SECRET_KEY, true},
		{verify.RSAESOAEPSHA1, hmac, pkcs11.CKO_SECRET_KEY, true},
		{verify.RSAAESKeyWrapSHA1, ec, pkcs11.CKO_PRIVATE_KEY, false},
	}
	for _, c := range cases {
		name := c.alg + "/" + c.key.KeySpec
		target := f.handle(b, c.class, c.key.Label)
		b.Run(name+"/floor", func(b *testing.B) {
			for b.Loop() {
				var err error
				if c.oaep {
					_, err = f.wrapOAEP(&wk.PublicKey, target)
				} else {
					_, err = f.wrapRSAAES(&wk.PublicKey, target)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/airwrap", func(b *testing.B) {
			for b.Loop() {
				if _, err := h.tok.Wrap(c.key, &wk.PublicKey, c.alg, caps); err != nil {
					b.Fatal(err)
				}
			}
		})
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
	if err != nil {
		b.Fatal(err)
	}
	f := newFloor(b, h)
	key := f.handle(b, pkcs11.CKO_PRIVATE_KEY, "signer")
	d := sha512.Sum384([]byte("airwrap benchmark"))
	b.Run("ECDSA_P384/floor", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.sign(key, d[:]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ECDSA_P384/airwrap", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Sign(nil, d[:], crypto.SHA384); err != nil {
				b.Fatal(err)
			}
		}
	})
}
