package hsmtest

import (
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
)

// SoftHSM creates a throwaway SoftHSM token (softhsmtest.New: it sets
// SOFTHSM2_CONF with t.Setenv, so such tests cannot run in parallel).
func SoftHSM(t testing.TB) *Token {
	t.Helper()
	return FromSoftHSM(softhsmtest.New(t))
}

// FromSoftHSM is the Token of a SoftHSM token made with softhsmtest.
func FromSoftHSM(st *softhsmtest.Token) *Token {
	return &Token{Kind: KindSoftHSM, Module: st.Module, Label: st.Label, PIN: st.PIN}
}
