package bundle

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// ECDSA signatures are malleable: if (r, s) verifies, so does (r, n - s),
// and anyone can make the second from the first without the key. A bundle
// file would then have two spellings of one signed statement, with two
// SHA-256s (the identity receipts and transcripts record). SPEC.md R45:
// writers emit only the low form (s <= n/2) and readers refuse the high one.

// errHighS: an ECDSA signature in its high form (R45).
var errHighS = errors.New("ECDSA signature has s > n/2, the high form of a low-s signature (SPEC.md R45): only the low form is accepted")

// parseECDSA reads an ASN.1 DER ECDSA-Sig-Value (SEQUENCE {r, s}) and nothing after it.
func parseECDSA(sig []byte) (r, s *big.Int, ok bool) {
	r, s = new(big.Int), new(big.Int)
	in := cryptobyte.String(sig)
	var inner cryptobyte.String
	if !in.ReadASN1(&inner, asn1.SEQUENCE) || !in.Empty() ||
		!inner.ReadASN1Integer(r) || !inner.ReadASN1Integer(s) || !inner.Empty() {
		return nil, nil, false
	}
	return r, s, true
}

func marshalECDSA(r, s *big.Int) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.Bytes()
}

// lowS returns sig in its low form: s replaced by n - s when s > n/2. The
// result verifies wherever sig does.
func lowS(pub *ecdsa.PublicKey, sig []byte) ([]byte, error) {
	r, s, ok := parseECDSA(sig)
	if !ok {
		return nil, fmt.Errorf("%w: not an ASN.1 DER ECDSA signature", ErrSignature)
	}
	n := pub.Curve.Params().N
	if s.Cmp(new(big.Int).Rsh(n, 1)) <= 0 {
		return sig, nil
	}
	return marshalECDSA(r, new(big.Int).Sub(n, s))
}

// checkLowS refuses an ECDSA signature in its high form (R45).
func checkLowS(pub *ecdsa.PublicKey, sig []byte) error {
	_, s, ok := parseECDSA(sig)
	if !ok {
		return ErrSignature
	}
	if s.Cmp(new(big.Int).Rsh(pub.Curve.Params().N, 1)) > 0 {
		return fmt.Errorf("%w: %w", ErrSignature, errHighS)
	}
	return nil
}
