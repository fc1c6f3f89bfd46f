package hsm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
)

func TestOpenInfoAndPINZeroed(t *testing.T) {
	st := softhsmtest.New(t)
	pin := []byte(st.PIN)
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: pin})
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	for i, b := range pin {
		if b != 0 {
			t.Fatalf("PIN byte %d not zeroed", i)
		}
	}
	info := tok.Info()
	if info.Label != st.Label || info.Manufacturer != "SoftHSM project" || info.Model == "" || info.Serial == "" {
		t.Fatalf("info: %+v", info)
	}
	if info.ModuleVersion == "" || info.ModuleManufacturer == "" {
		t.Fatalf("module info: %+v", info)
	}
	if err := tok.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tok.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestOpenWrongPIN(t *testing.T) {
	st := softhsmtest.New(t)
	pin := []byte("wrong-" + st.PIN)
	_, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: pin})
	if !errors.Is(err, ErrPINIncorrect) {
		t.Fatalf("got %v, want ErrPINIncorrect", err)
	}
	if strings.Contains(err.Error(), st.PIN) {
		t.Fatal("error message carries the PIN")
	}
	if pin[0] != 0 {
		t.Fatal("PIN not zeroed after a failed login")
	}
	// The module was released: a right PIN now works in the same process.
	tok, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	if err != nil {
		t.Fatal(err)
	}
	tok.Close()
}

func TestOpenTokenNotFound(t *testing.T) {
	st := softhsmtest.New(t)
	_, err := Open(Config{ModulePath: st.Module, TokenLabel: "nope", PIN: []byte(st.PIN)})
	if !errors.Is(err, ErrTokenNotFound) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), `"`+st.Label+`"`) {
		t.Fatalf("error does not list the labels present: %v", err)
	}
}

func TestOpenNotALibrary(t *testing.T) {
	p := filepath.Join(t.TempDir(), "notalib.so")
	if err := os.WriteFile(p, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{p, filepath.Join(t.TempDir(), "missing.so"), "/bin/sh"} {
		_, err := Open(Config{ModulePath: path, TokenLabel: "x", PIN: []byte("1234")})
		if !errors.Is(err, ErrModule) {
			t.Fatalf("%s: got %v, want ErrModule", path, err)
		}
		if !strings.Contains(err.Error(), "not a PKCS#11 library") {
			t.Fatalf("%s: unclear message: %v", path, err)
		}
	}
}

func TestTwoTokensOneModule(t *testing.T) {
	tok, st := openTest(t)
	tok2, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	if err != nil {
		t.Fatal(err)
	}
	if err := tok2.Close(); err != nil {
		t.Fatal(err)
	}
	// The first is still usable: closing the second did not finalize the module.
	if _, err := tok.Random(8); err != nil {
		t.Fatalf("first token broken after closing the second: %v", err)
	}
}

func TestRandom(t *testing.T) {
	tok, _ := openTest(t)
	a, err := tok.Random(32)
	if err != nil || len(a) != 32 {
		t.Fatalf("%x %v", a, err)
	}
	b, _ := tok.Random(32)
	if string(a) == string(b) {
		t.Fatal("two random draws are equal")
	}
	if _, err := tok.Random(0); err == nil {
		t.Fatal("Random(0) accepted")
	}
}
