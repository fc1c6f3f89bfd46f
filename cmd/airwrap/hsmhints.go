package main

import (
	"github.com/miekg/pkcs11"

	"github.com/airwrap/airwrap/hsm"
)

// HSM failures get hints too: they are appended to hints (errors.go) in
// order, after the more specific ones there.
func init() {
	hsmGone := "the HSM failed or went away during the run; nothing was written: check its connection and power, then run the same command again"
	hints = append(hints, []struct {
		err  error
		hint string
	}{
		{hsm.ErrModule, "--module must be the HSM vendor's PKCS#11 library (a .so that exports C_GetFunctionList), e.g. /usr/lib/softhsm/libsofthsm2.so"},
		{hsm.ErrPINLocked, "the token has locked the user PIN: its security officer must unlock or reset it; airwrap cannot"},
		{pkcs11.Error(pkcs11.CKR_DEVICE_ERROR), hsmGone},
		{pkcs11.Error(pkcs11.CKR_DEVICE_REMOVED), hsmGone},
		{pkcs11.Error(pkcs11.CKR_TOKEN_NOT_PRESENT), hsmGone},
		{pkcs11.Error(pkcs11.CKR_SESSION_HANDLE_INVALID), hsmGone},
		{pkcs11.Error(pkcs11.CKR_SESSION_CLOSED), hsmGone},
	}...)
}
