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
// separated by spaces, for reading aloud across the air gap.
func Fingerprint(b []byte) string {
	h := SHA256Hex(b)
	groups := make([]string, 0, len(h)/4)
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	return strings.Join(groups, " ")
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
