// Package hsmtest gives tests a ready, logged-in-able token on each PKCS#11
// implementation airwrap is proven on: SoftHSM 2 (a throwaway token in a
// temp dir), NSS softokn (a throwaway database in a temp dir) and the
// opencryptoki soft token swtok (machine-wide: emptied for each test and
// serialised across test processes). Each constructor FAILS the test, with an install
// hint, when its packages are missing: nothing is skipped.
//
// It must not import airwrap's hsm package, so hsm's own tests can use it.
// The PINs here are throwaway test PINs.
package hsmtest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
)

// Token is what hsm.Config needs to open a test token.
type Token struct {
	Kind       string // KindSoftHSM, KindOpencryptoki or KindNSS
	Module     string // path of the PKCS#11 library
	Label      string // token label
	PIN        string // user PIN (test only)
	InitParams string // C_Initialize pReserved string ("" but for NSS)
}

// Kinds of token.
const (
	KindSoftHSM      = "softhsm"
	KindOpencryptoki = "opencryptoki"
	KindNSS          = "nss"
)

// Each lists every kind with its constructor, for table tests that run on
// all of them. SoftHSM comes last: once a process has loaded SoftHSM,
// opencryptoki cannot be initialised again in it (Opencryptoki fails the
// test rather than crash).
var Each = []struct {
	Kind string
	New  func(testing.TB) *Token
}{
	{KindOpencryptoki, Opencryptoki},
	{KindNSS, NSS},
	{KindSoftHSM, SoftHSM},
}

// InstallHint is the one command that installs every token's packages.
const InstallHint = "run `make setup` (or: apt-get install softhsm2 opencryptoki libnss3 libnss3-tools)"

// firstExisting returns the first path that exists, or "".
func firstExisting(paths []string) string {
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// randomPIN is an 8-character test PIN (opencryptoki allows 4 to 8).
func randomPIN(t testing.TB) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("hsmtest: random: %v", err)
	}
	return hex.EncodeToString(b)
}
