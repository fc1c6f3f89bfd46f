package hsm

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/pkcs11"
)

// Token is an open, logged-in session on one token. Its methods serialise
// on a mutex; one Token is one PKCS#11 session.
type Token struct {
	mu       sync.Mutex
	mod      *module
	p        p11
	slot     uint
	sh       pkcs11.SessionHandle
	info     TokenInfo
	kwpForce uint // Config.KWPMechanism
	// hmacCheckInput is Config.HMACCheckInput (see CheckHMAC).
	hmacCheckInput []byte
	// caps is the self-test verdict, kept once SelfTest has run (selftest.go).
	caps     *Capabilities
	open     bool
	loggedIn bool
}

// Open loads the module, finds exactly one token labelled cfg.TokenLabel,
// opens a read-write session and logs in as the user. It zeroes cfg.PIN.
// A wrong PIN is returned as ErrPINIncorrect and never retried.
func Open(cfg Config) (*Token, error) {
	defer clear(cfg.PIN)
	m, err := loadModule(cfg.ModulePath, cfg.InitParams)
	if err != nil {
		return nil, err
	}
	t := &Token{mod: m, p: m.p, kwpForce: cfg.KWPMechanism, hmacCheckInput: slices.Clone(cfg.HMACCheckInput)}
	slot, ti, err := t.findToken(cfg.TokenLabel)
	if err != nil {
		m.release()
		return nil, err
	}
	t.slot = slot
	t.info = TokenInfo{ModulePath: cfg.ModulePath, Manufacturer: ti.ManufacturerID, Model: ti.Model,
		Serial: ti.SerialNumber, Label: ti.Label}
	if mi, err := t.p.GetInfo(); err == nil {
		t.info.ModuleManufacturer = strings.TrimRight(mi.ManufacturerID, " \x00")
		t.info.ModuleDescription = strings.TrimRight(mi.LibraryDescription, " \x00")
		t.info.ModuleVersion = fmt.Sprintf("%d.%d", mi.LibraryVersion.Major, mi.LibraryVersion.Minor)
	}
	sh, err := t.p.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		m.release()
		return nil, fmt.Errorf("open a read-write session on token %q: %w", cfg.TokenLabel, err)
	}
	t.sh, t.open = sh, true
	if err := t.login(cfg.PIN); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// findToken returns the one slot whose token carries label.
func (t *Token) findToken(label string) (uint, pkcs11.TokenInfo, error) {
	slots, err := t.p.GetSlotList(true)
	if err != nil {
		return 0, pkcs11.TokenInfo{}, fmt.Errorf("C_GetSlotList: %w", err)
	}
	var labels []string
	var found []uint
	var info pkcs11.TokenInfo
	for _, s := range slots {
		ti, err := t.p.GetTokenInfo(s)
		if err != nil {
			continue
		}
		ti.Label = strings.TrimRight(ti.Label, " \x00")
		if ti.Flags&pkcs11.CKF_TOKEN_INITIALIZED == 0 {
			continue
		}
		labels = append(labels, fmt.Sprintf("%q", ti.Label))
		if ti.Label == label {
			found = append(found, s)
			info = ti
		}
	}
	switch len(found) {
	case 1:
		return found[0], info, nil
	case 0:
		slices.Sort(labels)
		present := "none"
		if len(labels) > 0 {
			present = strings.Join(labels, ", ")
		}
		return 0, info, fmt.Errorf("%w: %q (tokens present: %s)", ErrTokenNotFound, label, present)
	}
	return 0, info, fmt.Errorf("%w: %q is on %d tokens", ErrTokenAmbiguous, label, len(found))
}

// Close logs out, closes the session and, with the last Token on the
// module, finalises and unloads it. Closing twice is harmless.
func (t *Token) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.open {
		return nil
	}
	t.open = false
	var errs []error
	if t.loggedIn {
		if err := t.p.Logout(t.sh); err != nil && !ckr(err, pkcs11.CKR_USER_NOT_LOGGED_IN) {
			errs = append(errs, fmt.Errorf("C_Logout: %w", err))
		}
		t.loggedIn = false
	}
	if err := t.p.CloseSession(t.sh); err != nil {
		errs = append(errs, fmt.Errorf("C_CloseSession: %w", err))
	}
	if err := t.mod.release(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("close token %q: %w", t.info.Label, errors.Join(errs...))
	}
	return nil
}

// Info returns the module and token identity.
func (t *Token) Info() TokenInfo { return t.info }

// Random returns n bytes from the token's RNG.
func (t *Token) Random(n int) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.random(n)
}

func (t *Token) random(n int) ([]byte, error) {
	if n <= 0 {
		return nil, fmt.Errorf("random: %d bytes requested", n)
	}
	b, err := t.p.GenerateRandom(t.sh, n)
	if err != nil {
		return nil, fmt.Errorf("C_GenerateRandom: %w", err)
	}
	if len(b) != n {
		return nil, fmt.Errorf("C_GenerateRandom returned %d bytes, want %d", len(b), n)
	}
	return b, nil
}
