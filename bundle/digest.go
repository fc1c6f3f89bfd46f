package bundle

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
)

// SHA256Hex is the lowercase hex SHA-256 of b.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Fingerprint is the SHA-256 of b as 16 groups of 4 lowercase hex digits
// separated by spaces, for reading aloud across the air gap. Of a public key
// it is taken over the DER SubjectPublicKeyInfo, so it is the DSSE keyid
// grouped: Fingerprint(der) == GroupHex(KeyID(pub)).
func Fingerprint(b []byte) string { return GroupHex(SHA256Hex(b)) }

// GroupHex groups a hex digest already computed (a keyid, a params_sha256)
// as Fingerprint does: groups of 4 separated by spaces, the last one shorter
// if the length is not a multiple of 4. It is the one place that decides how
// a fingerprint is read aloud.
func GroupHex(h string) string {
	groups := make([]string, 0, len(h)/4+1)
	for len(h) > 4 {
		groups = append(groups, h[:4])
		h = h[4:]
	}
	return strings.Join(append(groups, h), " ")
}

// KeyID is the DSSE keyid airwrap uses: lowercase hex SHA-256 of the DER
// SubjectPublicKeyInfo of pub.
func KeyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %T: %w", ErrSignerKey, pub, err)
	}
	return SHA256Hex(der), nil
}
