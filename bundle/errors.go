package bundle

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors (errors.Is).
var (
	// ErrMalformed: a file breaks SPEC.md (syntax, schema, limits, encoding).
	// Every problem found is returned at once, each as a *FieldError.
	ErrMalformed = errors.New("malformed")
	// ErrNonCanonical: the file parses but is not byte for byte what airwrap
	// writes for the same content (import bundles and payloads only). It is
	// also ErrMalformed.
	ErrNonCanonical = fmt.Errorf("%w: not in canonical form", ErrMalformed)
	// ErrTooLarge: a file is larger than MaxFileSize. It is also ErrMalformed.
	ErrTooLarge = fmt.Errorf("%w: file too large", ErrMalformed)
	// ErrSignerKey: a key type airwrap does not sign or verify with.
	ErrSignerKey = errors.New("signing key type not supported")
	// ErrSignature: a signature does not verify.
	ErrSignature = errors.New("signature does not verify")
)

// FieldError is one problem at one place in a document. Path is the field
// path ("entries[2].wrapping_algorithm"), "document" for the whole file.
type FieldError struct {
	Path string
	Msg  string
	Err  error // the sentinel: ErrMalformed, ErrNonCanonical or ErrTooLarge
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }
func (e *FieldError) Unwrap() error { return e.Err }

// rootPath names the whole document in messages.
const rootPath = "document"

// problems collects every FieldError of one parse.
type problems struct{ errs []error }

func (p *problems) add(path, format string, args ...any) {
	p.addErr(path, ErrMalformed, format, args...)
}

func (p *problems) addErr(path string, sentinel error, format string, args ...any) {
	if path == "" {
		path = rootPath
	}
	p.errs = append(p.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...), Err: sentinel})
}

func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return errors.Join(p.errs...)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string {
	if path == "" {
		path = rootPath
	}
	return fmt.Sprintf("%s[%d]", path, i)
}

// quoteShort quotes s for a message, cut to a readable length.
func quoteShort(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q...", strings.ToValidUTF8(s[:max], ""))
	}
	return fmt.Sprintf("%q", s)
}
