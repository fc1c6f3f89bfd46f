package main

import (
	"crypto/aes"
	"encoding/hex"
	"os"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/rogpeppe/go-internal/testscript"
)

// aeskcv SEED VAR sets $VAR to the check value of the AES-256 key that
// `testhsm put-aes LABEL SEED` makes, computed with Go's AES (the first 3
// bytes of AES-ECB of a zero block), independently of the HSM.
func cmdAeskcv(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: aeskcv SEED VAR")
	}
	c, err := aes.NewCipher(keys.Material(args[0], 32))
	ts.Check(err)
	var block [16]byte
	c.Encrypt(block[:], block[:])
	ts.Setenv(args[1], hex.EncodeToString(block[:3]))
}

// hexof STRING VAR sets $VAR to STRING's bytes in hex (the CKA_ID
// `testhsm put-aes LABEL` gives is "test-LABEL").
func cmdHexof(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: hexof STRING VAR")
	}
	ts.Setenv(args[1], hex.EncodeToString([]byte(args[0])))
}

// subst FILE expands $VAR and ${VAR} in FILE in place, from the script's
// environment (a plan naming the ARNs mkparams made).
func cmdSubst(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: subst FILE")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	ts.Check(os.WriteFile(path, []byte(os.Expand(string(data), ts.Getenv)), 0o644))
}
