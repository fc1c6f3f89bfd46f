package crosstoken

import (
	"testing"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// TestInitParams: NSS refuses C_Initialize without its parameters; a module
// is initialised once per process, so while a token is open on it, opening
// it with other parameters is refused (ErrInitParams), and with the same
// ones shares the module.
func TestInitParams(t *testing.T) {
	a, b := hsmtest.NSS(t), hsmtest.NSS(t)
	_, err := hsm.Open(hsm.Config{ModulePath: a.Module, TokenLabel: a.Label, PIN: []byte(a.PIN)})
	require.ErrorIs(t, err, pkcs11.Error(pkcs11.CKR_ARGUMENTS_BAD), "NSS without init params: %v", err)
	open(t, a)
	_, err = hsm.Open(hsm.Config{ModulePath: b.Module, TokenLabel: b.Label, PIN: []byte(b.PIN), InitParams: b.InitParams})
	require.ErrorIs(t, err, hsm.ErrInitParams, "second database while the first is open")
	open(t, a) // same parameters: shared
}
