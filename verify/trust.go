package verify

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/airwrap/airwrap/bundle"
)

// TrustedKey is a pinned public key that may sign import bundles.
type TrustedKey struct {
	KeyID     string           // lowercase hex SHA-256 of the DER SPKI (the DSSE keyid)
	Public    crypto.PublicKey // *ecdsa.PublicKey (P-256, P-384) or *rsa.PublicKey (>= 3072 bits)
	Algorithm string           // ECDSA_P384 | ECDSA_P256 | RSA_PSS_<bits>
	Source    string           // where it was loaded from (a path), for messages
}

// LoadTrust reads one PEM "PUBLIC KEY" block (SubjectPublicKeyInfo) and
// nothing else (no text before or after it, no headers): ECDSA P-256/P-384,
// or RSA of at least 3072 bits.
func LoadTrust(pemBytes []byte) (TrustedKey, error) {
	block, rest := pem.Decode(pemBytes)
	switch {
	case block == nil:
		return TrustedKey{}, fmt.Errorf("%w: no PEM block (want -----BEGIN PUBLIC KEY-----)", ErrTrustKey)
	case block.Type != "PUBLIC KEY":
		private := ""
		if bytes.Contains([]byte(block.Type), []byte("PRIVATE")) {
			private = ": this is a private key"
		}
		return TrustedKey{}, fmt.Errorf("%w: PEM block %q, want \"PUBLIC KEY\"%s", ErrTrustKey, block.Type, private)
	case !bytes.HasPrefix(bytes.TrimLeft(pemBytes, " \t\r\n"), []byte("-----BEGIN "+block.Type+"-----")):
		// pem.Decode skips any text before the block: a hostile file could
		// carry terminal escapes or a second key in another encoding there.
		return TrustedKey{}, fmt.Errorf("%w: text before the PEM block (one key per file, nothing else)", ErrTrustKey)
	case len(block.Headers) > 0:
		return TrustedKey{}, fmt.Errorf("%w: PEM headers are not expected", ErrTrustKey)
	case len(bytes.TrimSpace(rest)) > 0:
		return TrustedKey{}, fmt.Errorf("%w: more than one PEM block or trailing data (one key per file)", ErrTrustKey)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		// The parser's own words vary between Go versions; these do not.
		return TrustedKey{}, fmt.Errorf("%w: the PEM block is not a DER SubjectPublicKeyInfo of a known key type", ErrTrustKey)
	}
	alg, err := signerAlgorithm(pub)
	if err != nil {
		return TrustedKey{}, err
	}
	id, err := bundle.KeyID(pub)
	if err != nil {
		return TrustedKey{}, fmt.Errorf("%w: %w", ErrTrustKey, err)
	}
	return TrustedKey{KeyID: id, Public: pub, Algorithm: alg}, nil
}

func signerAlgorithm(pub crypto.PublicKey) (string, error) {
	alg, err := bundle.SignerAlgorithm(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTrustKey, err)
	}
	return alg, nil
}

// LoadTrustFiles loads each PEM file with LoadTrust, reporting every bad file.
// The same key in two files is returned twice; VerifyEnvelope counts it once.
func LoadTrustFiles(paths ...string) ([]TrustedKey, error) {
	var keys []TrustedKey
	var errs []error
	for _, p := range paths {
		data, err := readSmall(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		k, err := LoadTrust(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		k.Source = p
		keys = append(keys, k)
	}
	if len(paths) == 0 {
		errs = append(errs, fmt.Errorf("%w: no trusted key given", ErrTrustKey))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return keys, nil
}

// readSmall reads a trust file of at most 64 KiB.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 64<<10+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > 64<<10 {
		return nil, fmt.Errorf("%s: %w: larger than 64 KiB", path, ErrTrustKey)
	}
	return data, nil
}
