package main

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
)

// capsfile VECTOR OUT [TRUST.pem]: copy a token capabilities vector
// (bundle/testdata/capabilities/VECTOR.json: valid-softhsm is what SoftHSM
// 2.6.1 really measures) to OUT, and write the public key of the published
// test key that signed it to TRUST.pem.
func cmdCapsFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: capsfile VECTOR OUT [TRUST.pem]")
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "bundle", "testdata", "capabilities", args[0]+".json"))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), data, 0o644))
	if len(args) == 3 {
		pub, err := os.ReadFile(filepath.Join("..", "..", "bundle", "testdata", "keys", "test-signer-p384.pub.pem"))
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), pub, 0o644))
	}
}

// standIns are the stand-ins `standin VAR FILE` started, by script and VAR.
var standIns sync.Map

type standInKey struct {
	ts  *testscript.TestScript
	env string
}

// standinrequests VAR OP N: the stand-in in $VAR answered exactly N requests for OP.
func cmdStandInRequests(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: standinrequests VAR OP N")
	}
	v, ok := standIns.Load(standInKey{ts, args[0]})
	if !ok {
		ts.Fatalf("no stand-in in $%s", args[0])
	}
	want, err := strconv.Atoi(args[2])
	ts.Check(err)
	if got := v.(*kmstest.StandIn).Count(args[1]); got != want {
		ts.Fatalf("%d %s requests to the stand-in, want %d", got, args[1], want)
	}
}

// standinwait VAR OP N: wait (up to 30s) until the stand-in in $VAR has
// answered at least N requests for OP: a background command has got that far.
func cmdStandInWait(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: standinwait VAR OP N")
	}
	v, ok := standIns.Load(standInKey{ts, args[0]})
	if !ok {
		ts.Fatalf("no stand-in in $%s", args[0])
	}
	want, err := strconv.Atoi(args[2])
	ts.Check(err)
	for deadline := time.Now().Add(30 * time.Second); v.(*kmstest.StandIn).Count(args[1]) < want; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			ts.Fatalf("the stand-in in $%s answered %d %s requests in 30s, want %d", args[0], v.(*kmstest.StandIn).Count(args[1]), args[1], want)
		}
	}
}
