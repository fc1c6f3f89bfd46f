package hsm

import (
	"crypto"
	"fmt"
)

// WrapMechanism is how Wrap wraps a key under an RSA public key: plain
// RSA-OAEP (CKM_RSA_PKCS_OAEP), or RSA-AES key wrap (an ephemeral AES key
// wraps the target with AES key wrap with padding, RSA-OAEP wraps the AES
// key), with Hash (SHA-1 or SHA-256) for OAEP and MGF1.
type WrapMechanism struct {
	RSAAES bool        // RSA-AES key wrap; false: plain RSA-OAEP
	Hash   crypto.Hash // OAEP and MGF1 hash
}

// The wrap mechanisms SelfTest tests and Wrap uses.
var (
	OAEPSHA1            = WrapMechanism{Hash: crypto.SHA1}
	OAEPSHA256          = WrapMechanism{Hash: crypto.SHA256}
	RSAAESKeyWrapSHA1   = WrapMechanism{RSAAES: true, Hash: crypto.SHA1}
	RSAAESKeyWrapSHA256 = WrapMechanism{RSAAES: true, Hash: crypto.SHA256}
)

// WrapMechanisms lists every wrap mechanism, in the order SelfTest reports them.
func WrapMechanisms() []WrapMechanism {
	return []WrapMechanism{OAEPSHA1, OAEPSHA256, RSAAESKeyWrapSHA1, RSAAESKeyWrapSHA256}
}

// IsOAEP reports whether the mechanism is plain RSA-OAEP (else RSA-AES key wrap).
func (m WrapMechanism) IsOAEP() bool { return !m.RSAAES }

// known reports whether the mechanism is one of WrapMechanisms.
func (m WrapMechanism) known() bool { return m.Hash == crypto.SHA1 || m.Hash == crypto.SHA256 }

func (m WrapMechanism) String() string {
	switch {
	case !m.known():
		return fmt.Sprintf("unknown wrap mechanism (%v)", m.Hash)
	case m.RSAAES:
		_, _, n := ckmHash(m.Hash)
		return fmt.Sprintf("RSA-AES key wrap (OAEP %s)", n)
	}
	return oaepName(m.Hash)
}

// CheckMethod is how a key's check value was computed.
type CheckMethod int

// Check value methods.
const (
	// CheckAESZeroBlock: the first 3 bytes of AES-ECB(key, zero block)
	// (CKA_CHECK_VALUE).
	CheckAESZeroBlock CheckMethod = iota + 1
	// CheckHMAC: the first 8 bytes of the HMAC of Config.HMACCheckInput
	// with the key, with the SHA-2 hash as long as the key (28 bytes:
	// SHA-224 ... 64 bytes: SHA-512), computed in the HSM.
	CheckHMAC
	// CheckSPKISHA256: SHA-256 of the DER SubjectPublicKeyInfo.
	CheckSPKISHA256
)

func (c CheckMethod) String() string {
	switch c {
	case CheckAESZeroBlock:
		return "AES zero block"
	case CheckHMAC:
		return "HMAC"
	case CheckSPKISHA256:
		return "SPKI SHA-256"
	}
	return "none"
}
