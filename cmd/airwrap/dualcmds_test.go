package main

import (
	"crypto"
	"encoding/base64"
	"os"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
)

// signparams IN OUT KEY.pem... signs the parameters bundle IN as it is with
// each PKCS#8 PEM private key (made with openssl in the script) into OUT.
func cmdSignparams(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: signparams IN OUT KEY.pem...")
	}
	in, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	var signers []crypto.Signer
	for _, f := range args[2:] {
		data, err := os.ReadFile(ts.MkAbs(f))
		ts.Check(err)
		k, err := keys.ParseSigner(data)
		if err != nil {
			ts.Fatalf("%s: %v", f, err)
		}
		signers = append(signers, k)
	}
	out, err := bundle.SignParams(in, signers...)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), out, 0o644))
	// checkbundle finds the test's wrapping keys under the signed file too.
	state(ts).wrapping[ts.MkAbs(args[1])] = state(ts).wrapping[ts.MkAbs(args[0])]
}

// samepayload A B asserts two import bundles carry the same payload bytes and
// that every signature of A is in B, in the same place.
func cmdSamepayload(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: samepayload A B")
	}
	read := func(p string) *bundle.Envelope {
		data, err := os.ReadFile(ts.MkAbs(p))
		ts.Check(err)
		env, err := bundle.ParseEnvelope(data)
		ts.Check(err)
		return env
	}
	a, b := read(args[0]), read(args[1])
	pa, err := base64.StdEncoding.DecodeString(a.Payload)
	ts.Check(err)
	pb, err := base64.StdEncoding.DecodeString(b.Payload)
	ts.Check(err)
	if string(pa) != string(pb) {
		ts.Fatalf("%s and %s carry different payloads", args[0], args[1])
	}
	if len(b.Signatures) < len(a.Signatures) {
		ts.Fatalf("%s lost signatures", args[1])
	}
	for i, s := range a.Signatures {
		if b.Signatures[i] != s {
			ts.Fatalf("signature %d differs", i)
		}
	}
}
