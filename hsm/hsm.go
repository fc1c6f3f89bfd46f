// Package hsm owns everything PKCS#11: the module, the token, login, keys,
// known-answer self-tests, C_WrapKey, MACs and signing. Nothing else in airwrap
// talks to PKCS#11.
package hsm

import (
	"crypto"
	"errors"
)

// Config selects a module and a token.
type Config struct {
	ModulePath   string // path of the PKCS#11 library
	TokenLabel   string // exactly one token must carry this label
	PIN          []byte // user PIN; Open zeroes it after login
	KWPMechanism uint   // 0: choose automatically (see SelfTest); else a vendor mechanism id for AES key wrap with padding
	// InitParams, when set, is passed to C_Initialize in
	// CK_C_INITIALIZE_ARGS.pReserved as a NUL-terminated string. NSS
	// softokn needs it (e.g. "configdir='sql:/path/to/db' certPrefix=''
	// keyPrefix='' secmod='secmod.db' flags="); most modules need nothing.
	InitParams string
	// HMACCheckInput is what an HMAC key's check value is the MAC of
	// (CheckHMAC). Without it HMAC keys have no check value.
	HMACCheckInput []byte
}

// Sentinel errors (errors.Is).
var (
	ErrNotImplemented = errors.New("not implemented")
	ErrKeyNotFound    = errors.New("no key with that label")
	ErrDuplicateLabel = errors.New("label already in use on this token")
	ErrTokenNotFound  = errors.New("no token with that label")
	ErrPINIncorrect   = errors.New("PIN incorrect")
	ErrUnsupported    = errors.New("this token cannot do that correctly")
)

// TokenInfo is the module and token identity.
type TokenInfo struct {
	ModulePath         string
	ModuleManufacturer string
	ModuleDescription  string
	ModuleVersion      string
	Manufacturer       string
	Model              string
	Serial             string
	Label              string
}

// AlgorithmResult is the verdict of a known-answer test for one wrap mechanism.
type AlgorithmResult struct {
	Algorithm WrapMechanism
	OK        bool   // the token produced a correct result
	Mechanism string // what would be used, e.g. "CKM_RSA_PKCS_OAEP(SHA-1)" or "CKM_RSA_PKCS_OAEP + 0x210A"
	Reason    string // why not, in the operator's terms, and what to do instead
}

// Capabilities is what SelfTest found.
type Capabilities struct {
	Algorithms []AlgorithmResult
	// KWPMechanism is the mechanism chosen for the AES key-wrap step (0 if none works).
	KWPMechanism     uint
	KWPMechanismName string
	// KWPPadsCorrectly is false where the mechanism mis-pads material whose
	// length is not a multiple of 8 (SoftHSM 2.6.1's 0x210A).
	KWPPadsCorrectly bool
	// RSAAESKeyWrapSingle is true when CKM_RSA_AES_KEY_WRAP itself works.
	RSAAESKeyWrapSingle bool
	// AlignmentProbe is true when CKM_AES_KEY_WRAP (0x2109) refuses known
	// private keys whose PKCS#8 is not a multiple of 8 bytes (and wraps the
	// aligned ones exactly), so it can tell whether a private key's PKCS#8 is
	// aligned without revealing it. SoftHSM 2.6.1 zero-pads instead (false).
	AlignmentProbe bool
	// ECPKCS8Len is, per curve (Go/OpenSSL name), the PKCS#8 length of every
	// EC private key this token encodes, where two known keys of that curve
	// (one with a short scalar) encode to the same length; measured only when
	// the KWP mechanism mis-pads and AlignmentProbe is false.
	ECPKCS8Len map[string]int
	// OAEPPrivateKeys is true when the token wraps an EC private key with
	// plain RSA-OAEP correctly (SoftHSM 2.6.1: CKR_KEY_NOT_WRAPPABLE).
	OAEPPrivateKeys bool
}

// Key describes a key on the token that airwrap can reason about.
type Key struct {
	Label       string
	ID          []byte
	Class       string // "secret" | "private"
	KeySpec     string // matching KMS key spec, "" if none
	Extractable bool
	Sensitive   bool
	CheckValue  []byte
	CheckMethod CheckMethod
	PublicKey   []byte // DER SPKI of the public half (asymmetric keys)
	MaterialLen int    // length of the bytes C_WrapKey will wrap (raw for secret keys, PKCS#8 DER length estimate for private keys; exact after Wrap)
	Signer      bool   // a ceremony signing key made by GenerateSigner (CKA_ID starts with SignerIDPrefix)
	Curve       string // EC keys: Go/OpenSSL curve name
	// SignerCheck, for a private key that looks meant to sign ceremonies
	// (made by GenerateSigner, or able to sign and not extractable), is
	// what its attributes say of it as a ceremony signing key; nil otherwise.
	SignerCheck SignerCheck
	// NotImportable says why the key cannot be imported into KMS (no key
	// spec, not extractable, no check value); "" if it can.
	NotImportable string

	at handleCache // where this Token found the key (see handle.go)
}

// Signer is an HSM-resident ceremony signing key usable for DSSE.
type Signer interface {
	crypto.Signer
	Label() string
	Algorithm() string // ECDSA_P384 | ECDSA_P256 | RSA_PSS_3072
}
