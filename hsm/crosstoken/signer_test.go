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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
				_, err := tok.GenerateSigner("signer-"+alg, alg)
				require.NoError(t, err, "%s", alg)
				s, err := tok.FindSigner("signer-" + alg)
				require.NoError(t, err, "FindSigner %s", alg)
				verifySigner(t, s)
			}
			sks, err := tok.SigningKeys()
			require.NoError(t, err, "SigningKeys: %d keys, %v", len(sks), err)
			require.Len(t, sks, len(row.works), "SigningKeys: %d keys, %v", len(sks), err)
			for _, k := range sks {
				for _, a := range k.Check {
					assert.True(t, a.Reported, "%s: %+v", k.Label, a)
					assert.True(t, a.OK, "%s: %+v", k.Label, a)
				}
			}
			for _, alg := range row.cannot {
				before := count(t, tok)
				_, err := tok.GenerateSigner("signer-"+alg, alg)
				assert.False(t, !errors.Is(err, hsm.ErrUnsupported) || errors.Is(err, hsm.ErrSignerOrigin) != row.origin, "%s: %v, want ErrUnsupported (and ErrSignerOrigin: %t)", alg, err, row.origin)
				assert.False(t, row.origin && !strings.Contains(err.Error(), "CKA_LOCAL false"), "%s: %v does not name CKA_LOCAL", alg, err)
				after := count(t, tok)
				assert.Equal(t, before, after, "%s: %d objects before the refused GenerateSigner, %d after", alg, before, after)
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
		require.NoError(t, err, "%s: signature does not verify (%v)", s.Algorithm(), err)
		require.True(t, ecdsa.VerifyASN1(pub, d, sig), "%s: signature does not verify (%v)", s.Algorithm(), err)
	case *rsa.PublicKey:
		d := sha256.Sum256(msg)
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		sig, err := s.Sign(rand.Reader, d[:], opts)
		require.NoError(t, err, "%s: signature does not verify (%v)", s.Algorithm(), err)
		require.NoError(t, rsa.VerifyPSS(pub, crypto.SHA256, d[:], sig, opts), "%s: signature does not verify (%v)", s.Algorithm(), err)
	default:
		t.Fatalf("%s: public key %T", s.Algorithm(), pub)
	}
}
