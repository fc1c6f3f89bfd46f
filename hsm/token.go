package hsm

import "crypto/rsa"

// Token is an open, logged-in session on one token. Not safe for concurrent use.
type Token struct{}

// Open loads the module, finds exactly one token labelled cfg.TokenLabel,
// opens a read-write session and logs in as the user. It zeroes cfg.PIN.
// A wrong PIN is returned as ErrPINIncorrect and never retried.
func Open(cfg Config) (*Token, error) { return nil, ErrNotImplemented }

// OpenNoLogin is Open without login (hsm info before the PIN is needed is not
// required; provided for listing tokens).
func (t *Token) Close() error { return ErrNotImplemented }

// Info returns the module and token identity.
func (t *Token) Info() TokenInfo { return TokenInfo{} }

// SelfTest runs the known-answer tests on throwaway session objects.
func (t *Token) SelfTest() (*Capabilities, error) { return nil, ErrNotImplemented }

// GenerateKey creates a token key (sensitive, extractable) for a KMS key spec.
func (t *Token) GenerateKey(label, keySpec string) (*Key, error) { return nil, ErrNotImplemented }

// ListKeys lists importable keys on the token.
func (t *Token) ListKeys() ([]Key, error) { return nil, ErrNotImplemented }

// FindKey finds the one key with this label (ErrKeyNotFound, ErrDuplicateLabel).
func (t *Token) FindKey(label string) (*Key, error) { return nil, ErrNotImplemented }

// Wrap wraps key under wrappingKey with a KMS wrapping algorithm, in the HSM.
func (t *Token) Wrap(key *Key, wrappingKey *rsa.PublicKey, algorithm string, caps *Capabilities) ([]byte, error) {
	return nil, ErrNotImplemented
}

// MAC computes the KMS MacAlgorithm (HMAC_SHA_*) of data with an HMAC key, in the HSM.
func (t *Token) MAC(key *Key, macAlgorithm string, data []byte) ([]byte, error) {
	return nil, ErrNotImplemented
}

// Random returns n bytes from the token's RNG.
func (t *Token) Random(n int) ([]byte, error) { return nil, ErrNotImplemented }

// GenerateSigner creates a non-extractable ceremony signing key pair.
func (t *Token) GenerateSigner(label, algorithm string) (Signer, error) {
	return nil, ErrNotImplemented
}

// FindSigner loads an existing ceremony signing key by label.
func (t *Token) FindSigner(label string) (Signer, error) { return nil, ErrNotImplemented }
