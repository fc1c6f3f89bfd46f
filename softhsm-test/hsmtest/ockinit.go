package hsmtest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/pkcs11"
)

// ockBroken is the way out when swtok is in a state the harness cannot
// recover from (e.g. its SO PIN was set by someone else).
const ockBroken = "; if no one else uses swtok on this machine, stop pkcsslotd and empty /var/lib/opencryptoki/swtok " +
	"(keep the TOK_OBJ directory) and remove /dev/shm/var.lib.opencryptoki.swtok"

// errForeignSwtok means the swtok token was initialised by someone else.
var errForeignSwtok = errors.New("initialised by someone other than airwrap's tests")

// initSwtok prepares the swtok token through PKCS#11 (no PIN on a command
// line). Measured on opencryptoki 3.8.1:
//   - After a C_InitToken with an SO PIN other than the factory one
//     (87654321), the SO can never log in again: CKR_FUNCTION_FAILED with
//     that PIN, CKR_PIN_INCORRECT with the factory one (as if the new master
//     key were saved under the factory PIN). C_SetPIN back to the factory
//     PIN is refused (CKR_PIN_INVALID). So the token is initialised once
//     only, on a factory token, and then its SO PIN changed (opencryptoki
//     wants that before the user PIN is set).
//   - CKF_SO_PIN_TO_BE_CHANGED is set again whenever pkcsslotd restarts,
//     so only CKF_TOKEN_INITIALIZED tells a factory token.
//
// For every test it then sets a fresh user PIN (C_InitPIN as SO) and
// destroys every object left on the token, which is as good as a new token.
// The module is finalised and unloaded before it returns.
func initSwtok(module, userPIN string) (err error) {
	ctx := pkcs11.New(module)
	if ctx == nil {
		return fmt.Errorf("%s: not a loadable PKCS#11 library", module)
	}
	defer ctx.Destroy()
	if err := ctx.Initialize(); err != nil {
		return fmt.Errorf("C_Initialize (is pkcsslotd running?): %w", err)
	}
	defer func() {
		if ferr := ctx.Finalize(); ferr != nil && err == nil {
			err = fmt.Errorf("C_Finalize: %w", ferr)
		}
	}()
	slot, ti, err := swtokSlot(ctx)
	if err != nil {
		return err
	}
	label := strings.TrimRight(ti.Label, " \x00")
	switch {
	case ti.Flags&pkcs11.CKF_TOKEN_INITIALIZED == 0:
		if err := ctx.InitToken(slot, ockFactorySOPIN, OCKLabel); err != nil {
			return fmt.Errorf("C_InitToken(slot %d) with the factory SO PIN: %w%s", slot, err, ockBroken)
		}
		if err := setPIN(ctx, slot, pkcs11.CKU_SO, ockFactorySOPIN, ockSOPIN); err != nil {
			return fmt.Errorf("change the factory SO PIN: %w%s", err, ockBroken)
		}
	case label != OCKLabel:
		return fmt.Errorf("token %q in slot %d is %w: refusing to touch it%s", label, slot, errForeignSwtok, ockBroken)
	}
	if err := session(ctx, slot, pkcs11.CKU_SO, ockSOPIN, func(sh pkcs11.SessionHandle) error {
		return ctx.InitPIN(sh, userPIN)
	}); err != nil {
		return fmt.Errorf("set a fresh user PIN: %w%s", err, ockBroken)
	}
	return session(ctx, slot, pkcs11.CKU_USER, userPIN, func(sh pkcs11.SessionHandle) error {
		return destroyAll(ctx, sh)
	})
}

// setPIN logs in as user type u with old and sets new.
func setPIN(ctx *pkcs11.Ctx, slot uint, u uint, old, new string) error {
	return session(ctx, slot, u, old, func(sh pkcs11.SessionHandle) error {
		return ctx.SetPIN(sh, old, new)
	})
}

// session runs f in a read-write session logged in as u.
func session(ctx *pkcs11.Ctx, slot uint, u uint, pin string, f func(pkcs11.SessionHandle) error) error {
	sh, err := ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		return fmt.Errorf("C_OpenSession: %w", err)
	}
	defer ctx.CloseSession(sh)
	if err := ctx.Login(sh, u, pin); err != nil {
		return fmt.Errorf("C_Login: %w", err)
	}
	defer ctx.Logout(sh)
	return f(sh)
}

// destroyAll destroys every object the session can see.
func destroyAll(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) error {
	if err := ctx.FindObjectsInit(sh, nil); err != nil {
		return fmt.Errorf("C_FindObjectsInit: %w", err)
	}
	var all []pkcs11.ObjectHandle
	for {
		objs, _, err := ctx.FindObjects(sh, 100)
		if err != nil {
			ctx.FindObjectsFinal(sh)
			return fmt.Errorf("C_FindObjects: %w", err)
		}
		if len(objs) == 0 {
			break
		}
		all = append(all, objs...)
	}
	if err := ctx.FindObjectsFinal(sh); err != nil {
		return fmt.Errorf("C_FindObjectsFinal: %w", err)
	}
	for _, o := range all {
		if err := ctx.DestroyObject(sh, o); err != nil {
			return fmt.Errorf("C_DestroyObject: %w", err)
		}
	}
	return nil
}

// swtokSlot finds the one slot whose token is opencryptoki's soft token.
func swtokSlot(ctx *pkcs11.Ctx) (uint, pkcs11.TokenInfo, error) {
	slots, err := ctx.GetSlotList(true)
	if err != nil {
		return 0, pkcs11.TokenInfo{}, fmt.Errorf("C_GetSlotList: %w", err)
	}
	var seen []string
	for _, s := range slots {
		ti, err := ctx.GetTokenInfo(s)
		if err != nil {
			continue
		}
		model := strings.TrimRight(ti.Model, " \x00")
		if strings.Contains(model, "SoftTok") {
			return s, ti, nil
		}
		seen = append(seen, fmt.Sprintf("slot %d: %q", s, model))
	}
	return 0, pkcs11.TokenInfo{}, fmt.Errorf("no swtok (model SoftTok) among the tokens (%v): check that opencryptoki.conf has a slot with stdll = libpkcs11_sw.so", seen)
}
