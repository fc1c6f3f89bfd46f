package hsm

import (
	"bytes"
	"crypto/aes"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"hash"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/miekg/pkcs11"
)

// TestGenerateEveryKeySpec generates one key of every importable spec (one
// RSA-4096: slow on SoftHSM) and checks what ListKeys says about it.
func TestGenerateEveryKeySpec(t *testing.T) {
	tok, _ := openTest(t)
	made := map[string]bool{}
	for _, spec := range kmsrules.KeySpecs() {
		k, err := tok.GenerateKey("k-"+string(spec), specParams(t, spec))
		if spec == "ECC_SECG_P256K1" && errors.Is(err, ErrUnsupported) {
			t.Logf("%s: token refuses (acceptable): %v", spec, err)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if k.KeySpec != string(spec) || !k.Extractable || !k.Sensitive || len(k.ID) != 16 || k.Signer {
			t.Fatalf("%s: %+v", spec, k)
		}
		made[string(spec)] = true
	}
	keys, err := tok.ListKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != len(made) {
		t.Fatalf("listed %d keys, made %d", len(keys), len(made))
	}
	for _, k := range keys {
		if k.Label != "k-"+k.KeySpec || !made[k.KeySpec] {
			t.Fatalf("listed %q as %s", k.Label, k.KeySpec)
		}
		rule := kmsrules.KeySpec(k.KeySpec)
		wantLen := map[kmsrules.Kind]int{kmsrules.KindSymmetric: 3, kmsrules.KindHMAC: 8, kmsrules.KindRSA: 32, kmsrules.KindEC: 32}[rule.Kind()]
		if len(k.CheckValue) != wantLen {
			t.Fatalf("%s: check value %x (%s)", k.KeySpec, k.CheckValue, k.CheckMethod)
		}
		switch rule.Kind() {
		case kmsrules.KindSymmetric:
			if k.CheckMethod != CheckAESZeroBlock || k.MaterialLen != 32 {
				t.Fatalf("%+v", k)
			}
		case kmsrules.KindHMAC:
			if k.CheckMethod != CheckHMAC || k.MaterialLen != rule.RawLen() {
				t.Fatalf("%+v", k)
			}
		default:
			sum := sha256.Sum256(k.PublicKey)
			if k.CheckMethod != CheckSPKISHA256 || !bytes.Equal(sum[:], k.CheckValue) || k.MaterialLen == 0 {
				t.Fatalf("%+v", k)
			}
			if k.KeySpec != "ECC_SECG_P256K1" {
				if _, err := x509.ParsePKIXPublicKey(k.PublicKey); err != nil {
					t.Fatalf("%s: SPKI: %v", k.KeySpec, err)
				}
			}
		}
	}
	if _, err := tok.GenerateKey("k-HMAC_256", specParams(t, "HMAC_256")); !errors.Is(err, ErrDuplicateLabel) {
		t.Fatalf("duplicate label: %v", err)
	}
	if _, err := tok.GenerateKey("x", KeyParams{Type: ECKeyPair, CurveOID: asn1.ObjectIdentifier{1, 2, 3}}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("unknown curve: %v", err)
	}
	if _, err := tok.GenerateKey("x", KeyParams{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("no key type: %v", err)
	}
	if _, err := tok.FindKey("nope"); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("missing key: %v", err)
	}
}

// TestCheckValuesIndependently puts known keys on the token and checks
// every check value against Go's own computation.
func TestCheckValuesIndependently(t *testing.T) {
	tok, _ := openTest(t)
	aesKey := make([]byte, 32)
	rand.Read(aesKey)
	knownSecret(t, tok, "aes", pkcs11.CKK_AES, aesKey)
	k, err := tok.FindKey("aes")
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := aes.NewCipher(aesKey)
	want := make([]byte, 16)
	blk.Encrypt(want, want)
	if k.KeySpec != "SYMMETRIC_DEFAULT" || !bytes.Equal(k.CheckValue, want[:3]) {
		t.Fatalf("AES KCV %x, want %x", k.CheckValue, want[:3])
	}

	for _, n := range []int{28, 32, 48, 64} {
		v := make([]byte, n)
		rand.Read(v)
		label := "hmac-" + string(rune('a'+n%26))
		knownSecret(t, tok, label, pkcs11.CKK_GENERIC_SECRET, v)
		k, err := tok.FindKey(label)
		if err != nil {
			t.Fatal(err)
		}
		// Check value and MAC both use the key spec's own hash, checked with Go's hmac.
		rule := kmsrules.KeySpec(k.KeySpec)
		h := map[string]func() hash.Hash{"HMAC_SHA_224": sha256.New224, "HMAC_SHA_256": sha256.New,
			"HMAC_SHA_384": sha512.New384, "HMAC_SHA_512": sha512.New}[rule.MACAlgorithm()]
		m := hmac.New(h, v)
		m.Write([]byte(bundle.HMACCheckInput))
		if k.CheckMethod != CheckHMAC || !bytes.Equal(k.CheckValue, m.Sum(nil)[:8]) {
			t.Fatalf("HMAC KCV %x (%s)", k.CheckValue, k.CheckMethod)
		}
		challenge := []byte("challenge from the HSM")
		got, err := tok.MAC(k, rule.MACHash(), challenge)
		if err != nil {
			t.Fatal(err)
		}
		m = hmac.New(h, v)
		m.Write(challenge)
		if !bytes.Equal(got, m.Sum(nil)) {
			t.Fatalf("%s MAC differs from Go's", rule.MACAlgorithm())
		}
	}

	rk := goRSA(t, 2048)
	knownRSA(t, tok, "rsa", rk)
	ek := goEC(t, elliptic.P384())
	knownEC(t, tok, "ec", ek)
	for label, pub := range map[string]any{"rsa": &rk.PublicKey, "ec": &ek.PublicKey} {
		k, err := tok.FindKey(label)
		if err != nil {
			t.Fatal(err)
		}
		der, _ := x509.MarshalPKIXPublicKey(pub)
		sum := sha256.Sum256(der)
		if !bytes.Equal(k.PublicKey, der) || !bytes.Equal(k.CheckValue, sum[:]) {
			t.Fatalf("%s: SPKI differs from Go's", label)
		}
	}

	// Two keys with one label: FindKey refuses.
	knownSecret(t, tok, "twice", pkcs11.CKK_AES, aesKey)
	createObject(t, tok, append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, aesKey),
	}, tokenKeyAttrs("twice", []byte("other"))...))
	if _, err := tok.FindKey("twice"); !errors.Is(err, ErrDuplicateLabel) {
		t.Fatalf("duplicate: %v", err)
	}
}
