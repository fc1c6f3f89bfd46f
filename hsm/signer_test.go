package hsm

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"testing"
)

func TestSigners(t *testing.T) {
	tok, _ := openTest(t)
	msg := []byte("DSSEv1 28 application/vnd.airwrap.import.v1+json 2 {}")
	for _, alg := range []string{SignerECDSAP384, SignerECDSAP256, SignerRSAPSS3072} {
		label := "signer-" + alg
		s, err := tok.GenerateSigner(label, alg)
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if s.Algorithm() != alg || s.Label() != label {
			t.Fatalf("%s: %s %s", alg, s.Algorithm(), s.Label())
		}
		// Load it again, as a later run would.
		s, err = tok.FindSigner(label)
		if err != nil || s.Algorithm() != alg {
			t.Fatalf("FindSigner %s: %v", alg, err)
		}
		switch pub := s.Public().(type) {
		case *ecdsa.PublicKey:
			var d []byte
			var opts crypto.Hash
			if alg == SignerECDSAP384 {
				sum := sha512.Sum384(msg)
				d, opts = sum[:], crypto.SHA384
			} else {
				sum := sha256.Sum256(msg)
				d, opts = sum[:], crypto.SHA256
			}
			sig, err := s.Sign(rand.Reader, d, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !ecdsa.VerifyASN1(pub, d, sig) {
				t.Fatalf("%s: signature does not verify", alg)
			}
			d[0] ^= 1
			if ecdsa.VerifyASN1(pub, d, sig) {
				t.Fatalf("%s: signature verifies a different digest", alg)
			}
		case *rsa.PublicKey:
			sum := sha256.Sum256(msg)
			opts := &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthEqualsHash}
			sig, err := s.Sign(rand.Reader, sum[:], opts)
			if err != nil {
				t.Fatal(err)
			}
			if pub.N.BitLen() != 3072 {
				t.Fatalf("RSA signer of %d bits", pub.N.BitLen())
			}
			if err := rsa.VerifyPSS(pub, crypto.SHA256, sum[:], sig, &rsa.PSSOptions{SaltLength: 32}); err != nil {
				t.Fatalf("PSS: %v", err)
			}
			if _, err := s.Sign(rand.Reader, sum[:], crypto.SHA256); !errors.Is(err, ErrUnsupported) {
				t.Fatalf("PKCS#1 v1.5 opts accepted: %v", err)
			}
		default:
			t.Fatalf("%s: public key %T", alg, pub)
		}
	}
	if _, err := tok.GenerateSigner("signer-ECDSA_P256", SignerECDSAP256); !errors.Is(err, ErrDuplicateLabel) {
		t.Fatalf("duplicate label: %v", err)
	}
	if _, err := tok.FindSigner("nope"); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("missing: %v", err)
	}
	// Signers are listed, marked, and not extractable.
	keys, err := tok.ListKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Fatalf("listed %d keys", len(keys))
	}
	for _, k := range keys {
		if !k.Signer || k.Extractable || !k.Sensitive || k.SignerCheck.Err(k.Label) != nil || len(k.SignerCheck) != len(signerRules) {
			t.Fatalf("signer listed as %+v", k)
		}
		for _, a := range k.SignerCheck {
			if !a.Reported { // SoftHSM reports every one
				t.Errorf("%s: %s not reported", k.Label, a.Name)
			}
		}
	}
	// A default algorithm, and an importable key is not a signer.
	if s, err := tok.GenerateSigner("default", ""); err != nil || s.Algorithm() != SignerECDSAP384 {
		t.Fatalf("default: %v", err)
	}
	if _, err := tok.GenerateKey("aes", specParams(t, "SYMMETRIC_DEFAULT")); err != nil {
		t.Fatal(err)
	}
	if _, err := tok.FindSigner("aes"); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("secret key as signer: %v", err)
	}
	if _, err := tok.GenerateKey("importable-ec", specParams(t, "ECC_NIST_P256")); err != nil {
		t.Fatal(err)
	}
	if _, err := tok.FindSigner("importable-ec"); !errors.Is(err, ErrNotSigner) {
		t.Fatalf("extractable key as signer: %v", err)
	}
}
