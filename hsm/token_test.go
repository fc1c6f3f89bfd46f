package hsm

import (
	"os"
	"path/filepath"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/stretchr/testify/require"
)

func TestOpenInfoAndPINZeroed(t *testing.T) {
	st := softhsmtest.New(t)
	pin := []byte(st.PIN)
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: pin})
	require.NoError(t, err)
	defer tok.Close()
	for i, b := range pin {
		require.Zero(t, b, "PIN byte %d not zeroed", i)
	}
	info := tok.Info()
	require.Equal(t, st.Label, info.Label, "info: %+v", info)
	require.Equal(t, "SoftHSM project", info.Manufacturer, "info: %+v", info)
	require.NotEmpty(t, info.Model, "info: %+v", info)
	require.NotEmpty(t, info.Serial, "info: %+v", info)
	require.NotEmpty(t, info.ModuleVersion, "module info: %+v", info)
	require.NotEmpty(t, info.ModuleManufacturer, "module info: %+v", info)
	require.NoError(t, tok.Close())
	require.NoError(t, tok.Close(), "second Close")
}

func TestOpenWrongPIN(t *testing.T) {
	st := softhsmtest.New(t)
	pin := []byte("wrong-" + st.PIN)
	_, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: pin})
	require.ErrorIs(t, err, ErrPINIncorrect, "got %v, want ErrPINIncorrect", err)
	require.NotContains(t, err.Error(), st.PIN, "error message carries the PIN")
	require.Zero(t, pin[0], "PIN not zeroed after a failed login")
	// The module was released: a right PIN now works in the same process.
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err)
	tok.Close()
}

func TestOpenTokenNotFound(t *testing.T) {
	st := softhsmtest.New(t)
	_, err := Open(Config{ModulePath: st.Module, TokenLabel: "nope", PIN: []byte(st.PIN)})
	require.ErrorIs(t, err, ErrTokenNotFound, "got")
	require.Contains(t, err.Error(), `"`+st.Label+`"`, "error does not list the labels present: %v", err)
}

func TestOpenNotALibrary(t *testing.T) {
	p := filepath.Join(t.TempDir(), "notalib.so")
	require.NoError(t, os.WriteFile(p, []byte("hello"), 0o600))
	for _, path := range []string{p, filepath.Join(t.TempDir(), "missing.so"), "/bin/sh"} {
		_, err := Open(Config{ModulePath: path, TokenLabel: "x", PIN: []byte("1234")})
		require.ErrorIs(t, err, ErrModule, "%s: got %v, want ErrModule", path, err)
		require.Contains(t, err.Error(), "not a PKCS#11 library", "%s: unclear message: %v", path, err)
	}
}

func TestTwoTokensOneModule(t *testing.T) {
	tok, st := openTest(t)
	tok2, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err)
	require.NoError(t, tok2.Close())
	// The first is still usable: closing the second did not finalize the module.
	_, err = tok.Random(8)
	require.NoError(t, err, "first token broken after closing the second")
}

func TestRandom(t *testing.T) {
	tok, _ := openTest(t)
	a, err := tok.Random(32)
	require.NoError(t, err, "%x %v", a, err)
	require.Len(t, a, 32, "%x %v", a, err)
	b, _ := tok.Random(32)
	require.NotEqual(t, string(b), string(a), "two random draws are equal")
	_, err = tok.Random(0)
	require.Error(t, err, "Random(0) accepted")
}
