package crosstoken

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
)

// signerTable: which ceremony signing keys each token can make (measured).
// origin: the token makes the key pair but reports CKA_LOCAL false on the
// private key, so airwrap cannot tell it from a key written to the token
// from outside and refuses it (ErrSignerOrigin).
var signerTable = []struct {
	kind   string
	new    func(testing.TB) *hsmtest.Token
	works  []string
	cannot []string
	origin bool
}{
	{hsmtest.KindOpencryptoki, hsmtest.Opencryptoki,
		[]string{hsm.SignerRSAPSS3072}, []string{hsm.SignerECDSAP384, hsm.SignerECDSAP256}, false},
	// NSS softokn 3.87.1 generates all three, but marks them CKA_LOCAL false.
	{hsmtest.KindNSS, hsmtest.NSS,
		nil, []string{hsm.SignerECDSAP384, hsm.SignerECDSAP256, hsm.SignerRSAPSS3072}, true},
}

// TestSigners: a ceremony needs a signing key in the HSM. Each token makes
// the ones the table says, FindSigner accepts them again (every attribute
// of signerRules as it must be), and their signatures verify with Go's
// standard library; the others are refused with ErrUnsupported, leaving no
// object behind.
func TestSigners(t *testing.T) {
	for _, row := range signerTable {
		t.Run(row.kind, func(t *testing.T) {
			tok := open(t, row.new(t))
			for _, alg := range row.works {
				if _, err := tok.GenerateSigner("signer-"+alg, alg); err != nil {
					t.Fatalf("%s: %v", alg, err)
				}
				s, err := tok.FindSigner("signer-" + alg)
				if err != nil {
					t.Fatalf("FindSigner %s: %v", alg, err)
				}
				verifySigner(t, s)
			}
			sks, err := tok.SigningKeys()
			if err != nil || len(sks) != len(row.works) {
				t.Fatalf("SigningKeys: %d keys, %v", len(sks), err)
			}
			for _, k := range sks {
				for _, a := range k.Check {
					if !a.Reported || !a.OK {
						t.Errorf("%s: %+v", k.Label, a)
					}
				}
			}
			for _, alg := range row.cannot {
				before := count(t, tok)
				_, err := tok.GenerateSigner("signer-"+alg, alg)
				if !errors.Is(err, hsm.ErrUnsupported) || errors.Is(err, hsm.ErrSignerOrigin) != row.origin {
					t.Errorf("%s: %v, want ErrUnsupported (and ErrSignerOrigin: %t)", alg, err, row.origin)
				}
				if row.origin && !strings.Contains(err.Error(), "CKA_LOCAL false") {
					t.Errorf("%s: %v does not name CKA_LOCAL", alg, err)
				}
				if after := count(t, tok); after != before {
					t.Errorf("%s: %d objects before the refused GenerateSigner, %d after", alg, before, after)
				}
			}
		})
	}
}

func verifySigner(t *testing.T, s hsm.Signer) {
	t.Helper()
	msg := []byte("airwrap signer test")
	switch pub := s.Public().(type) {
	case *ecdsa.PublicKey:
		h, sum := crypto.SHA384, sha512.Sum384(msg)
		d := sum[:]
		if pub.Curve.Params().BitSize == 256 {
			s256 := sha256.Sum256(msg)
			h, d = crypto.SHA256, s256[:]
		}
		sig, err := s.Sign(rand.Reader, d, h)
		if err != nil || !ecdsa.VerifyASN1(pub, d, sig) {
			t.Fatalf("%s: signature does not verify (%v)", s.Algorithm(), err)
		}
	case *rsa.PublicKey:
		d := sha256.Sum256(msg)
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		sig, err := s.Sign(rand.Reader, d[:], opts)
		if err != nil || rsa.VerifyPSS(pub, crypto.SHA256, d[:], sig, opts) != nil {
			t.Fatalf("%s: signature does not verify (%v)", s.Algorithm(), err)
		}
	default:
		t.Fatalf("%s: public key %T", s.Algorithm(), pub)
	}
}
