// Package errmark classifies an error without changing its message: a
// library marks an error with a sentinel that errors.Is finds, and the CLI's
// hint table keys on the sentinel, while the operator reads the same words.
package errmark

// With returns err marked with kinds: its message is err's, errors.Is finds
// err and each kind. Walking the tree (Unwrap() []error) meets the kinds
// first, then err. With(nil) is nil.
func With(err error, kinds ...error) error {
	if err == nil {
		return nil
	}
	return &marked{err: err, kinds: kinds}
}

type marked struct {
	err   error
	kinds []error
}

func (m *marked) Error() string { return m.err.Error() }

func (m *marked) Unwrap() []error {
	return append(append([]error{}, m.kinds...), m.err)
}
