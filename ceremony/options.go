// Package ceremony orchestrates `airwrap wrap`: it parses and validates the
// whole request before touching the HSM, reporting every problem at once;
// then self-tests the token, wraps each key inside the HSM, records every
// step in a hash-chained transcript, signs the import payload in the HSM,
// verifies that signature, and writes the bundle, the transcript and the
// optional AWS CLI files atomically: all of them, or nothing.
package ceremony

import (
	"crypto"
	"crypto/rsa"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// Token is the part of *hsm.Token a ceremony uses.
type Token interface {
	Info() hsm.TokenInfo
	SelfTest() (*hsm.Capabilities, error)
	FindKey(label string) (*hsm.Key, error)
	CanWrap(key *hsm.Key, mech hsm.WrapMechanism) error
	Wrap(key *hsm.Key, wrappingKey *rsa.PublicKey, mech hsm.WrapMechanism) ([]byte, error)
	MAC(key *hsm.Key, h crypto.Hash, data []byte) ([]byte, error)
	Random(n int) ([]byte, error)
	FindSigner(label string) (hsm.Signer, error)
	Close() error
}

// KeySelect maps a KMS key (ARN, empty for "the only entry") to an HSM key:
// by label, by CKA_ID, or by both (ID nil: by label alone).
type KeySelect struct {
	ARN   string
	Label string
	ID    []byte
}

// ParseKeySelect reads one --key value: "LABEL" or "ARN=LABEL".
func ParseKeySelect(s string) KeySelect {
	if strings.HasPrefix(s, "arn:") {
		if arn, label, ok := strings.Cut(s, "="); ok {
			return KeySelect{ARN: arn, Label: label}
		}
	}
	return KeySelect{Label: s}
}

// Options is one `airwrap wrap` request.
type Options struct {
	Params     []byte // the parameters file, bytes as read
	ParamsPath string // for messages only
	// ParamsTrust, when not empty, makes signed parameters mandatory: at
	// least ParamsThreshold (default 1) of these keys must have signed them
	// (SPEC.md R41). Empty: signed parameters are read, signatures unchecked.
	ParamsTrust     []verify.TrustedKey
	ParamsThreshold int

	Keys     []KeySelect
	ValidTo  *time.Time // KEY_MATERIAL_EXPIRES until then; nil with NoExpiry
	NoExpiry bool       // KEY_MATERIAL_DOES_NOT_EXPIRE

	// Only for AWS CLI JSON parameters: the algorithm asked of
	// get-parameters-for-import (required) and the KMS key spec (default:
	// the HSM key's spec).
	WrappingAlgorithm string
	KeySpec           string

	// AllowNonSensitive names HSM keys (labels among Keys) the operators
	// accept to wrap although they are not sensitive (CKA_SENSITIVE false:
	// the token would reveal their material in the clear, so it may already
	// exist outside the HSM). Any other such key is refused before anything
	// is wrapped; each accepted one is recorded in the transcript.
	AllowNonSensitive []string

	// ImportType, KeyMaterialDescription and KeyMaterialID are the import
	// options of symmetric keys (--import-type, --key-material-description,
	// --key-material-id): each value "VALUE" for the only entry or
	// "ARN=VALUE" for one entry (importopts.go).
	ImportType             []string
	KeyMaterialDescription []string
	KeyMaterialID          []string

	SignerLabel string
	Operators   []string
	Out         string // the import bundle; the transcript goes to Out + TranscriptSuffix
	AWSCLIDir   string // optional: DIR/<key id>/{EncryptedKeyMaterial,ImportToken}.bin

	ToolVersion string
	Now         func() time.Time // default time.Now
	// Open opens the token. It is called only after the request has been
	// validated completely, so a bad request never asks for the PIN.
	Open     func() (Token, error)
	Progress io.Writer // progress lines (stderr); nil for none
	// katShown: the caller (ceremony run) already said the token ran its
	// known-answer tests, whose verdict the token keeps; Wrap does not say
	// it again.
	katShown bool
}

// CheckUsage reports, every problem at once, what the request lacks or asks
// twice over: the choices made before any file is read (the CLI's bad
// usage, exit 2). Wrap's validation runs it first, so a library caller
// meets the same rules. ParamsThreshold 0 is "not given".
func (o *Options) CheckUsage() error {
	var errs []error
	bad := func(kind error, msg string) { errs = append(errs, errmark.With(errors.New(msg), kind)) }
	if o.SignerLabel == "" {
		bad(ErrInvalidRequest, "--signer is required")
	}
	if o.Out == "" {
		bad(ErrInvalidRequest, "--out is required")
	}
	if len(o.Keys) == 0 {
		bad(ErrKeySelection, "--key is required (LABEL for a single entry, ARN=LABEL for each entry)")
	}
	switch {
	case o.NoExpiry && o.ValidTo != nil:
		bad(ErrInvalidRequest, "--valid-to and --no-expiry exclude each other")
	case !o.NoExpiry && o.ValidTo == nil:
		bad(ErrInvalidRequest, "give --valid-to DATE|TIME or --no-expiry")
	}
	if len(o.ParamsTrust) == 0 && o.ParamsThreshold != 0 {
		bad(ErrInvalidRequest, "--params-threshold needs --params-trust")
	}
	if _, err := o.importOptions(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// TranscriptSuffix is appended to Options.Out to name the transcript.
const TranscriptSuffix = transcript.Suffix

// AWS CLI output file names inside AWSCLIDir/<key id>/.
const (
	EncryptedKeyMaterialFile = "EncryptedKeyMaterial.bin"
	ImportTokenFile          = "ImportToken.bin"
)

// Result is what a successful Wrap wrote.
type Result struct {
	BundlePath     string
	TranscriptPath string
	Files          []string // every file written, bundle and transcript first
	BundleSHA256   string
	SignerKeyID    string // fingerprint of the signer's public key
	Entries        int
	AWSCLICommands []string // one `aws kms import-key-material ...` per entry when AWSCLIDir is set
}
