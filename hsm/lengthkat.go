package hsm

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"math/big"

	"github.com/miekg/pkcs11"
)

// Where the token's AES key wrap with padding mis-pads unaligned material,
// Wrap must know whether a private key's PKCS#8 is a multiple of 8 bytes,
// without the material leaving the HSM in the clear.
//
// The alignment probe is C_WrapKey with CKM_AES_KEY_WRAP (RFC 3394, which
// must refuse unaligned input) under a throwaway session key. It decides for
// private keys' PKCS#8, so SelfTest trusts it only where it behaves so on
// known private keys (AlignmentProbe): known EC session keys of every curve
// the token holds, whose true PKCS#8 length the KWP mechanism reveals under
// the known KEK; an unaligned one must be refused (and one at least must
// be unaligned), an aligned one wrapped to its length + 8. A secret key
// proves nothing here: a token may check one class and not the other.
// SoftHSM 2.6.1 fails it: measured, it zero-pads every key first (a 28-byte
// secret wraps to 40 bytes, a P-256 PKCS#8 of 67 bytes to 80). Where the
// probe fails SelfTest measures the token's EC PKCS#8 lengths on known
// session keys instead: EC encodings have a fixed length per curve when the
// scalar is written at full width, which two known keys (d = 1 and a random
// d) confirm. RSA PKCS#8 lengths vary with the secret components, so RSA keys
// are refused on such a token.

// alignmentProbeKAT reports whether 0x2109 refuses every known unaligned EC
// private key (one at least) and wraps every aligned one to its length + 8.
func (k *kat) alignmentProbeKAT(kwp uint, kek pkcs11.ObjectHandle, kekValue []byte) bool {
	unaligned := false
	for _, c := range curves {
		for _, d := range testScalars(c) {
			h, err := k.ecSessionKey(c, d)
			if err != nil {
				continue // a curve this token does not hold
			}
			n := k.pkcs8Len(kwp, kek, kekValue, h)
			out, err := k.wrap(pkcs11.NewMechanism(CKMAESKeyWrap, nil), kek, h)
			k.t.destroy(h, nil)
			switch {
			case n == 0:
				return false
			case n%8 != 0 && (err == nil || !alignmentRefused(err)):
				return false
			case n%8 == 0 && (err != nil || len(out) != n+8):
				return false
			}
			unaligned = unaligned || n%8 != 0
		}
	}
	return unaligned
}

// alignmentRefused tells the refusals that mean "not a multiple of 8 bytes"
// from other C_WrapKey failures.
func alignmentRefused(err error) bool {
	return ckr(err, pkcs11.CKR_KEY_SIZE_RANGE) || ckr(err, pkcs11.CKR_DATA_LEN_RANGE) || ckr(err, pkcs11.CKR_WRAPPED_KEY_LEN_RANGE)
}

// ecLengthKAT measures the PKCS#8 length of known EC session keys per curve.
func (k *kat) ecLengthKAT(kwp uint, kek pkcs11.ObjectHandle, kekValue []byte) map[string]int {
	lens := map[string]int{}
	for _, c := range curves {
		var n int
		for _, d := range testScalars(c) {
			l := k.ecLen(c, d, kwp, kek, kekValue)
			if l == 0 || (n != 0 && l != n) {
				n = 0
				break
			}
			n = l
		}
		if n > 0 {
			lens[c.name] = n
		}
	}
	return lens
}

// testScalars are d = 1 and a random full-width scalar (self-test values).
func testScalars(c curve) [][]byte {
	order := map[string]*big.Int{
		"P-256": elliptic.P256().Params().N, "P-384": elliptic.P384().Params().N, "P-521": elliptic.P521().Params().N,
	}[c.name]
	if order == nil { // secp256k1: any 32 bytes below 2^255 is below its order
		order = new(big.Int).Lsh(big.NewInt(1), 255)
	}
	d, err := rand.Int(rand.Reader, new(big.Int).Sub(order, big.NewInt(2)))
	if err != nil {
		return nil
	}
	d.Add(d, big.NewInt(2))
	return [][]byte{big.NewInt(1).FillBytes(make([]byte, c.size)), d.FillBytes(make([]byte, c.size))}
}

// oaepPrivate tests plain RSA-OAEP (with a hash the token does) on a known
// P-256 session key: the PKCS#8 must unwrap here to the known scalar.
func (k *kat) oaepPrivate(oaep map[crypto.Hash]AlgorithmResult) bool {
	h := crypto.SHA1
	if !oaep[h].OK {
		h = crypto.SHA256
		if !oaep[h].OK {
			return false
		}
	}
	c, _ := curveByName("P-256")
	d := testScalars(c)[1]
	obj, err := k.ecSessionKey(c, d)
	if err != nil {
		return false
	}
	defer k.t.destroy(obj, nil)
	blob, err := k.wrap(oaepMech(h), k.pub, obj)
	if err != nil {
		return false
	}
	der, err := rsa.DecryptOAEP(h.New(), nil, k.priv, blob, nil)
	if err != nil {
		return false
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	ec, ok := key.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return false
	}
	got, err := ec.Bytes() // the scalar, fixed width
	return err == nil && bytes.Equal(got, d)
}

// ecSessionKey creates a known EC session private key (self-test values).
func (k *kat) ecSessionKey(c curve, d []byte) (pkcs11.ObjectHandle, error) {
	return k.t.p.CreateObject(k.t.sh, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY), // a private key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),       // EC
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, c.params),           // the curve under test
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, d),                      // known self-test scalar
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, false),                  // session object
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),                 // only in the logged-in session
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),               // as real keys are
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),             // it is what gets wrapped
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, false),                   // no use
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, "airwrap-selftest"),     // recognisable if ever left behind
	})
}

// ecLen wraps a known EC session key with the KWP mechanism under the known
// KEK and reads the DER length of the unwrapped PKCS#8 (0 on any failure).
func (k *kat) ecLen(c curve, d []byte, kwp uint, kek pkcs11.ObjectHandle, kekValue []byte) (n int) {
	h, err := k.ecSessionKey(c, d)
	if err != nil {
		return 0
	}
	defer k.t.destroy(h, nil)
	return k.pkcs8Len(kwp, kek, kekValue, h)
}

// pkcs8Len is the DER length of a known session private key's PKCS#8, from
// its KWP wrap under the known KEK (0 on any failure).
func (k *kat) pkcs8Len(kwp uint, kek pkcs11.ObjectHandle, kekValue []byte, h pkcs11.ObjectHandle) int {
	blob, err := k.wrap(pkcs11.NewMechanism(kwp, nil), kek, h)
	if err != nil {
		return 0
	}
	p, err := kwpUnwrap(kekValue, blob)
	if err != nil {
		return 0
	}
	return derTotalLen(p)
}

// derTotalLen is the length of the DER SEQUENCE at the start of p, 0 if none.
func derTotalLen(p []byte) int {
	if len(p) < 2 || p[0] != 0x30 {
		return 0
	}
	if p[1] < 0x80 {
		return 2 + int(p[1])
	}
	nb := int(p[1] & 0x7f)
	if nb == 0 || nb > 3 || len(p) < 2+nb {
		return 0
	}
	l := 0
	for _, b := range p[2 : 2+nb] {
		l = l<<8 | int(b)
	}
	if 2+nb+l > len(p) {
		return 0
	}
	return 2 + nb + l
}

// A secret key another tool put on the token (C_CreateObject of its value,
// as pkcs11-tool --write-object does) may have no CKA_VALUE_LEN. Measured:
// opencryptoki 3.8.1's swtok answers CKR_ATTRIBUTE_TYPE_INVALID for every
// CKK_AES key it did not generate, and gives 0 for such a
// CKK_GENERIC_SECRET; NSS softokn 3.87 answers CKR_ATTRIBUTE_TYPE_INVALID
// for CKK_SHA*_HMAC keys. secretLen learns the length inside the HSM
// without the material leaving it: it wraps the key under a session AES key
// generated there that is never extractable (lengthKEK), keeps only the
// length of each output and zeroes the output; every session object is
// destroyed on every path out. PKCS#11 says how each mechanism pads a secret
// key's value, so the output length bounds the key's length n:
//
//	CKM_AES_ECB        up to 15 zero bytes to a whole block   n in out-15 .. out
//	CKM_AES_CBC_PAD    1 to 16 bytes of PKCS#7 padding        n in out-16 .. out-1
//	CKM_AES_KEY_WRAP*  to a multiple of 8, plus 8 bytes       n in out-15 .. out-8
//
// A refusal tells nothing (opencryptoki's ECB refuses what is not a whole
// block). A token may pad otherwise (NSS's 0x210A is PKCS#7 then RFC 3394),
// so each rule is first checked on known session secrets of the key's own
// type (28 and 32 bytes; AES: 16 and 32); a rule whose bounds miss a known
// length, or that wraps none of them, is not used. The bounds left are
// intersected, then with the lengths the type allows (AES: 16, 24 or 32).
// One length left: that is the length. Measured: opencryptoki's AES-256
// key gives ECB 32 and CBC_PAD 48, so 32; 32-, 48- and 64-byte HMAC keys
// likewise on opencryptoki and NSS; a 28-byte one only 25..31 (no token
// here has a wrap whose output is as long as its input), so it is listed
// as not importable, with that range.

// lengthRule: the output of mech is out bytes for a key of out-below ..
// out-above bytes.
type lengthRule struct {
	mech         uint
	iv           bool // takes a 16-byte IV (zero: the output is never used)
	below, above int
}

var lengthRules = []lengthRule{
	{pkcs11.CKM_AES_ECB, false, 15, 0},
	{pkcs11.CKM_AES_CBC_PAD, true, 16, 1},
	{CKMAESKeyWrap, false, 15, 8},
	{CKMAESKeyWrapKWP, false, 15, 8},
	{CKMAESKeyWrapPad, false, 15, 8},
}

func (r lengthRule) mechanism() *pkcs11.Mechanism {
	if r.iv {
		return pkcs11.NewMechanism(r.mech, make([]byte, 16))
	}
	return pkcs11.NewMechanism(r.mech, nil)
}

// maxSecretLen stands for "no upper bound learnt": far above any KMS key.
const maxSecretLen = 1 << 20

// secretLen measures the length of secret key h of type keyType (see
// above): lo == hi is the length; else it lies in lo..hi (lo > hi: the
// token's answers contradict each other). The caller holds t.mu.
func (t *Token) secretLen(h pkcs11.ObjectHandle, keyType uint) (lo, hi int, err error) {
	kek, err := t.lengthKEK()
	if err != nil {
		return 0, 0, err
	}
	defer t.destroy(kek, &err)
	var known []pkcs11.ObjectHandle
	var lens []int
	defer func() {
		for _, s := range known {
			t.destroy(s, &err)
		}
	}()
	for _, n := range calibrationLens(keyType) {
		v, err := t.random(n)
		if err != nil {
			return 0, 0, err
		}
		s, err := t.knownSecret(keyType, v, false)
		clear(v)
		if err != nil {
			break // a type the token will not create: no rule can be checked
		}
		known, lens = append(known, s), append(lens, n)
	}
	lo, hi = 1, maxSecretLen
	for _, r := range lengthRules {
		if len(known) < 2 {
			break
		}
		holds, wrapped := true, false
		for i, s := range known {
			n, err := t.wrappedLen(r, kek, s)
			if isDeviceFault(err) {
				return 0, 0, err
			}
			if err == nil {
				wrapped = true
				holds = holds && n-r.below <= lens[i] && lens[i] <= n-r.above
			}
		}
		if !holds || !wrapped {
			continue
		}
		n, err := t.wrappedLen(r, kek, h)
		if isDeviceFault(err) {
			return 0, 0, err
		}
		if err == nil {
			lo, hi = max(lo, n-r.below), min(hi, n-r.above)
		}
	}
	lo, hi = allowedLens(keyType, lo, hi)
	return lo, hi, nil
}

// wrappedLen wraps key under the length KEK with the rule's mechanism and
// returns only the output's length, the output zeroed.
func (t *Token) wrappedLen(r lengthRule, kek, key pkcs11.ObjectHandle) (int, error) {
	out, err := t.wrapKey(r.mechanism(), kek, key)
	n := len(out)
	clear(out)
	return n, err
}

// calibrationLens are the lengths of the known secrets a length rule is
// checked on, per key type.
func calibrationLens(keyType uint) []int {
	if keyType == pkcs11.CKK_AES {
		return []int{16, 32}
	}
	return []int{28, 32}
}

// allowedLens narrows lo..hi to the lengths keyType allows (AES: 16, 24,
// 32), where any is left.
func allowedLens(keyType uint, lo, hi int) (int, int) {
	if keyType != pkcs11.CKK_AES {
		return lo, hi
	}
	var in []int
	for _, n := range []int{16, 24, 32} {
		if lo <= n && n <= hi {
			in = append(in, n)
		}
	}
	if len(in) == 0 {
		return lo, hi
	}
	return in[0], in[len(in)-1]
}
