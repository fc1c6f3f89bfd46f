package kmsimport

import (
	"errors"
	"fmt"

	"github.com/airwrap/airwrap/internal/clikit"

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

// HintError carries what the operator should do next. The CLI prints Hint()
// after the error; errors.As finds it anywhere in a joined error tree.
type HintError struct {
	Err  error
	hint string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }
func (e *HintError) Hint() string  { return e.hint }

func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, hint: hint}
}

// Hints collects every hint in err's tree, in order, without duplicates.
func Hints(err error) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if h, ok := e.(interface{ Hint() string }); ok && h.Hint() != "" && !seen[h.Hint()] {
			seen[h.Hint()] = true
			out = append(out, h.Hint())
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

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
// hint. The SDK's typed errors are matched with errors.As, never by text.
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
		return withHint(fmt.Errorf("%s: %w (%w)", arn, ErrExpiredImportToken, err),
			"import parameters last 24 hours: run `airwrap-online prepare` again, carry the new parameters across the air gap and wrap again")
	case errors.As(err, &incorrect):
		return withHint(fmt.Errorf("%s: %w: this KMS key already holds other key material, or the material has the wrong size (%w)", arn, ErrIncorrectKeyMaterial, err),
			"a KMS key only ever takes the material it was first given: wrap the original HSM key, or create a new KMS key for this material")
	case errors.As(err, &cipher):
		return withHint(fmt.Errorf("%s: %w: it was wrapped under another public key or with another algorithm (%w)", arn, ErrInvalidCiphertext, err),
			"wrap again with the parameters of this bundle's import token, using exactly its wrapping algorithm")
	case errors.As(err, &token):
		return withHint(fmt.Errorf("%s: %w: it belongs to another KMS key or to another set of parameters (%w)", arn, ErrInvalidImportToken, err),
			"each GetParametersForImport replaces the previous token: use the bundle wrapped with the latest parameters for this key, or prepare and wrap again")
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
		return withHint(fmt.Errorf("%s: %w (%w)", arn, ErrKeyState, err),
			"check the key with `airwrap-online status --key-id "+arn+"`: it must be PendingImport or Enabled")
	case errors.As(err, &notFound):
		return withHint(fmt.Errorf("%s: %w (%w)", arn, ErrNotFound, err),
			"check the account, Region and endpoint (--profile, --region, --endpoint-url)")
	case errors.As(err, &unsup):
		return withHint(fmt.Errorf("%s: %w (%w)", arn, ErrUnsupported, err),
			"only keys created with origin EXTERNAL take imported material")
	case isTransient(err):
		return withHint(fmt.Errorf("%s: %w (%w)", arn, ErrTransient, err),
			"re-run the same command: it is safe to repeat (if KMS stays unreachable, check the network, --region and --endpoint-url)")
	case errors.As(err, &denied) && denied.ErrorCode() == "AccessDeniedException":
		return withHint(fmt.Errorf("%s: %w", arn, err), "check the credentials and the key policy")
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
