package kmsimport

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/errmark"
)

// ErrParamsSigner: the key given to sign parameters bundles is not usable.
var ErrParamsSigner = errors.New("parameters signing key is not acceptable")

// maxKeyFile bounds the read of a signing key file.
const maxKeyFile = 64 << 10

// LoadSigningKeyFile reads a software key that signs parameters bundles: one
// PEM "PRIVATE KEY" block (PKCS#8), ECDSA P-256/P-384 or RSA >= 3072 bits, in
// a file no one but its owner may read or write (mode 0600 or stricter).
func LoadSigningKeyFile(path string) (crypto.Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w: not a regular file", path, ErrParamsSigner)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, errmark.With(fmt.Errorf("%s: %w: mode %04o lets others read or change it", path, ErrParamsSigner, perm), ErrSignerFileMode)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("%s: %w: larger than %d bytes", path, ErrParamsSigner, maxKeyFile)
	}
	s, err := parseSigningKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func parseSigningKey(data []byte) (crypto.Signer, error) {
	block, rest := pem.Decode(data)
	switch {
	case block == nil:
		return nil, fmt.Errorf("%w: no PEM block (want -----BEGIN PRIVATE KEY-----, PKCS#8)", ErrParamsSigner)
	case block.Type != "PRIVATE KEY":
		return nil, fmt.Errorf("%w: PEM block %q, want \"PRIVATE KEY\" (PKCS#8: openssl pkcs8 -topk8 -nocrypt)", ErrParamsSigner, block.Type)
	case len(block.Headers) > 0:
		return nil, fmt.Errorf("%w: PEM headers are not expected (an encrypted key?)", ErrParamsSigner)
	case len(bytes.TrimSpace(rest)) > 0:
		return nil, fmt.Errorf("%w: more than one PEM block or trailing data (one key per file)", ErrParamsSigner)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParamsSigner, err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: %T", ErrParamsSigner, k)
	}
	if err := checkSignerKey(s.Public()); err != nil {
		return nil, err
	}
	return s, nil
}

func checkSignerKey(pub crypto.PublicKey) error {
	if _, err := bundle.SignerAlgorithm(pub); err != nil {
		return fmt.Errorf("%w: %w", ErrParamsSigner, err)
	}
	return nil
}

// SignAPI is the part of the KMS API a KMS signing key needs.
type SignAPI interface {
	GetPublicKey(context.Context, *kms.GetPublicKeyInput, ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error)
	Sign(context.Context, *kms.SignInput, ...func(*kms.Options)) (*kms.SignOutput, error)
}

var _ SignAPI = (*kms.Client)(nil)

// KMSSigner is a crypto.Signer over a KMS asymmetric SIGN_VERIFY key: the
// digest is sent with MessageType DIGEST and signed by KMS (ECDSA_SHA_384,
// ECDSA_SHA_256 or RSASSA_PSS_SHA_256); the private key never leaves KMS.
type KMSSigner struct {
	ctx   context.Context
	api   SignAPI
	keyID string // the key ARN KMS returned
	pub   crypto.PublicKey
	alg   types.SigningAlgorithmSpec
}

// NewKMSSigner reads the key's public half and checks it is a signing key of
// a type airwrap verifies (ECC_NIST_P256/P384, RSA_3072/4096).
func NewKMSSigner(ctx context.Context, api SignAPI, keyID string) (*KMSSigner, error) {
	out, err := api.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		var notFound *types.NotFoundException
		if errors.As(err, &notFound) || isTransient(err) {
			return nil, fmt.Errorf("--sign-kms-key: %w", explainCommon(keyID, err))
		}
		return nil, errmark.With(fmt.Errorf("--sign-kms-key %s: %w: %w", keyID, ErrParamsSigner, fromKMS(err)), ErrSignerKMSKey)
	}
	if out.KeyUsage != types.KeyUsageTypeSignVerify {
		return nil, errmark.With(fmt.Errorf("--sign-kms-key %s: %w: key usage %s, want SIGN_VERIFY", keyID, ErrParamsSigner, clikit.Escape(string(out.KeyUsage))), ErrSignerKMSKey)
	}
	pub, err := x509.ParsePKIXPublicKey(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("--sign-kms-key %s: %w: public key: %w", keyID, ErrParamsSigner, err)
	}
	if err := checkSignerKey(pub); err != nil {
		return nil, fmt.Errorf("--sign-kms-key %s: %w", keyID, err)
	}
	s := &KMSSigner{ctx: ctx, api: api, keyID: aws.ToString(out.KeyId), pub: pub}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		s.alg = types.SigningAlgorithmSpecEcdsaSha256
		if k.Curve == elliptic.P384() {
			s.alg = types.SigningAlgorithmSpecEcdsaSha384
		}
	case *rsa.PublicKey:
		s.alg = types.SigningAlgorithmSpecRsassaPssSha256
	}
	if s.keyID == "" {
		s.keyID = keyID
	}
	return s, nil
}

// Public is the key's public half as KMS gave it.
func (s *KMSSigner) Public() crypto.PublicKey { return s.pub }

// KeyARN is the KMS key that signs.
func (s *KMSSigner) KeyARN() string { return s.keyID }

// Sign asks KMS to sign digest (MessageType DIGEST). The random source is
// not used: KMS makes its own randomness.
func (s *KMSSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts == nil || opts.HashFunc().Size() != len(digest) {
		return nil, fmt.Errorf("%w: digest of %d bytes does not match the scheme", ErrParamsSigner, len(digest))
	}
	if _, pss := opts.(*rsa.PSSOptions); pss != (s.alg == types.SigningAlgorithmSpecRsassaPssSha256) {
		return nil, fmt.Errorf("%w: scheme does not match the key", ErrParamsSigner)
	}
	out, err := s.api.Sign(s.ctx, &kms.SignInput{
		KeyId:            aws.String(s.keyID),
		Message:          digest,
		MessageType:      types.MessageTypeDigest,
		SigningAlgorithm: s.alg,
	})
	if err != nil {
		return nil, fmt.Errorf("kms Sign: %w", explainCommon(s.keyID, err))
	}
	return out.Signature, nil
}
