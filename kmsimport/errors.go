package kmsimport

import (
	"errors"
	"fmt"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/errmark"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
)

// Sentinel errors, checked with errors.Is.
var (
	ErrNoRegion         = errors.New("no AWS Region configured")
	ErrUsage            = errors.New("invalid request")
	ErrKeyNotImportable = errors.New("KMS key cannot take imported material")
	ErrKeyMismatch      = errors.New("KMS key does not match the bundle")

	// ImportKeyMaterial outcomes, in operator terms.
	ErrExpiredImportToken   = errors.New("the import token has expired")
	ErrIncorrectKeyMaterial = errors.New("KMS refused the key material")
	ErrInvalidCiphertext    = errors.New("KMS could not unwrap the encrypted key material")
	ErrInvalidImportToken   = errors.New("KMS refused the import token")
	ErrKeyState             = errors.New("the KMS key is not in a state that allows this")
	ErrNotFound             = errors.New("KMS key not found")
	ErrUnsupported          = errors.New("KMS does not support this operation for this key")
	ErrTransient            = errors.New("KMS could not be reached or did not answer (throttling, 5xx or a connection problem)")
	ErrProofMismatch        = errors.New("KMS does not hold the material the bundle describes")

	// ErrNoParams: submit was given no parameters file, so the bundle's
	// bindings to the parameters it answers could not be checked.
	ErrNoParams = errors.New("no parameters file given: the bundle's bindings to its parameters cannot be checked")
)

// Marks: kinds of failure that add no words to the message (errmark.With).
// The online CLI's hint table keys on them and on the sentinels above.
var (
	// ErrNothingImported: submit's checks before any import failed.
	ErrNothingImported = errors.New("nothing was imported")
	// ErrEnabledUnchecked: the import token expired on an Enabled key, so KMS
	// checked nothing: the key holds some material, maybe not this bundle's.
	ErrEnabledUnchecked = errors.New("the key is Enabled but KMS checked nothing")
	// ErrMaybeAttached: KMS refused material on a key that was Enabled and
	// has new material since: this bundle's may already be attached.
	ErrMaybeAttached = errors.New("the bundle's material may already be attached")
	// ErrPrimaryNotImported: a replica's key_material_id_from names an entry
	// whose import did not succeed, so the KeyMaterialId the replica must
	// name is unknown: the replica is not attempted.
	ErrPrimaryNotImported = errors.New("the primary's import did not succeed, so the KeyMaterialId for this replica is unknown")
	// ErrAccessDenied: KMS refused the caller (credentials or key policy).
	ErrAccessDenied = errors.New("access denied")
	// ErrSignerFileMode: a --sign-key file others may read or change.
	ErrSignerFileMode = errors.New("signing key file open to others")
	// ErrSignerKMSKey: --sign-kms-key names a key that cannot sign parameters.
	ErrSignerKMSKey = errors.New("not a usable KMS signing key")
)

// KeyStateError is an ErrKeyState failure on one KMS key: errors.As gives
// the key (escaped, as the message shows it) to say what to check.
type KeyStateError struct {
	ARN string
	Err error
}

func (e *KeyStateError) Error() string { return e.Err.Error() }
func (e *KeyStateError) Unwrap() error { return e.Err }

// RequestID returns the AWS request id of a failed call, if KMS sent one.
func RequestID(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.ServiceRequestID()
	}
	return ""
}

// kmsError carries an error the SDK returned, whose text holds what the
// endpoint sent (the message, the error code, the request id): Error() is
// escaped (clikit.Escape), so a newline or an escape sequence from a hostile
// endpoint stays one visible line wherever the error is printed. Unwrap keeps
// the SDK's typed errors reachable with errors.As.
type kmsError struct{ err error }

func (e kmsError) Error() string { return clikit.Escape(e.err.Error()) }
func (e kmsError) Unwrap() error { return e.err }

// fromKMS wraps err, once, as a kmsError.
func fromKMS(err error) error {
	var k kmsError
	if err == nil || errors.As(err, &k) {
		return err
	}
	return kmsError{err}
}

// explainImport maps an ImportKeyMaterial error to an operator's sentence and
// a sentinel. The SDK's typed errors are matched with errors.As, never by text.
func explainImport(arn string, err error) error {
	arn, err = clikit.Escape(arn), fromKMS(err)
	var (
		expired   *types.ExpiredImportTokenException
		incorrect *types.IncorrectKeyMaterialException
		cipher    *types.InvalidCiphertextException
		token     *types.InvalidImportTokenException
	)
	switch {
	case errors.As(err, &expired):
		return fmt.Errorf("%s: %w (%w)", arn, ErrExpiredImportToken, err)
	case errors.As(err, &incorrect):
		return fmt.Errorf("%s: %w: it is not the material the import names (a reimport: the bundle's key_material_id, else the key's current material), or it is new material the key already holds, or it has the wrong size (%w)", arn, ErrIncorrectKeyMaterial, err)
	case errors.As(err, &cipher):
		return fmt.Errorf("%s: %w: it was wrapped under another public key or with another algorithm (%w)", arn, ErrInvalidCiphertext, err)
	case errors.As(err, &token):
		return fmt.Errorf("%s: %w: it belongs to another KMS key or to another set of parameters (%w)", arn, ErrInvalidImportToken, err)
	}
	return explainCommon(arn, err)
}

// explainCommon handles errors any KMS call can return.
func explainCommon(arn string, err error) error {
	arn, err = clikit.Escape(arn), fromKMS(err)
	var (
		state    *types.KMSInvalidStateException
		notFound *types.NotFoundException
		unsup    *types.UnsupportedOperationException
		disabled *types.DisabledException
		denied   interface{ ErrorCode() string }
	)
	switch {
	case errors.As(err, &state), errors.As(err, &disabled):
		return &KeyStateError{ARN: arn, Err: fmt.Errorf("%s: %w (%w)", arn, ErrKeyState, err)}
	case errors.As(err, &notFound):
		return fmt.Errorf("%s: %w (%w)", arn, ErrNotFound, err)
	case errors.As(err, &unsup):
		return fmt.Errorf("%s: %w (%w)", arn, ErrUnsupported, err)
	case isTransient(err):
		return fmt.Errorf("%s: %w (%w)", arn, ErrTransient, err)
	case errors.As(err, &denied) && denied.ErrorCode() == "AccessDeniedException":
		return errmark.With(fmt.Errorf("%s: %w", arn, err), ErrAccessDenied)
	}
	return fmt.Errorf("%s: %w", arn, err)
}

// isTransient reports a failure that retrying later may cure.
func isTransient(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ThrottlingException", "DependencyTimeoutException", "KMSInternalException":
			return true
		}
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() >= 500 && re.HTTPStatusCode() != 501 {
		return true
	}
	var ce interface{ ConnectionError() bool }
	return errors.As(err, &ce) && ce.ConnectionError()
}
