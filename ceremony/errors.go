package ceremony

import "errors"

// Sentinel errors (errors.Is). Each says what is wrong; the CLI adds the hint.
var (
	ErrInvalidRequest = errors.New("invalid wrap request")
	ErrKeySelection   = errors.New("key selection does not match the parameters")
	ErrOutputExists   = errors.New("output already exists")
	ErrHSMKey         = errors.New("hsm key does not fit this import")
	ErrNonSensitive   = errors.New("hsm key is not sensitive: its material could be read in the clear")
	ErrTokenCannot    = errors.New("this token cannot produce this wrapping algorithm correctly")
	ErrSelfCheck      = errors.New("check after acting failed")
)
