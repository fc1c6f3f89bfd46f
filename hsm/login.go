package hsm

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/miekg/pkcs11"
)

// login logs the session in as the user. The PIN reaches the module through
// a string that aliases pin's bytes (no Go copy that outlives the caller's
// zeroing). A wrong PIN is never retried.
func (t *Token) login(pin []byte) error {
	if len(pin) == 0 {
		return fmt.Errorf("%w: the PIN is empty", ErrPINIncorrect)
	}
	err := t.p.Login(t.sh, pkcs11.CKU_USER, unsafe.String(&pin[0], len(pin)))
	switch {
	case err == nil, ckr(err, pkcs11.CKR_USER_ALREADY_LOGGED_IN):
		t.loggedIn = true
		return nil
	case ckr(err, pkcs11.CKR_PIN_INCORRECT), ckr(err, pkcs11.CKR_PIN_LEN_RANGE):
		return fmt.Errorf("%w for token %q%s: %w", ErrPINIncorrect, t.info.Label, t.pinTries(), err)
	case ckr(err, pkcs11.CKR_PIN_LOCKED):
		return fmt.Errorf("%w: the user PIN of token %q is locked: %w", ErrPINLocked, t.info.Label, err)
	}
	return fmt.Errorf("C_Login on token %q: %w", t.info.Label, err)
}

// ErrPINLocked means the token has locked the user PIN.
var ErrPINLocked = errors.New("user PIN locked")

// pinTries describes the tries-left flags the token reports, if any.
func (t *Token) pinTries() string {
	ti, err := t.p.GetTokenInfo(t.slot)
	if err != nil {
		return ""
	}
	var s []string
	if ti.Flags&pkcs11.CKF_USER_PIN_COUNT_LOW != 0 {
		s = append(s, "an incorrect PIN has been entered, tries are running low")
	}
	if ti.Flags&pkcs11.CKF_USER_PIN_FINAL_TRY != 0 {
		s = append(s, "one try left before the PIN locks")
	}
	if ti.Flags&pkcs11.CKF_USER_PIN_LOCKED != 0 {
		s = append(s, "the user PIN is now locked")
	}
	if len(s) == 0 {
		return ""
	}
	return " (token reports: " + strings.Join(s, "; ") + ")"
}
