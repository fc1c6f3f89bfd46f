package kmsimport_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
)

// TestSubmitSaysHowLongPacingTakes: paced to a rate that makes the batch
// last a second or more, submit says how long before it starts; unpaced it
// does not. (Nothing here depends on how fast the machine is.)
func TestSubmitSaysHowLongPacingTakes(t *testing.T) {
	e := newEnv(t)
	_, pl := e.batch(t, 3)
	var progress bytes.Buffer
	rc, err := kmsimport.Submit(context.Background(), e.api, kmsimport.SubmitRequest{Payload: pl, BundleSHA256: "test", Rate: 2, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(outcomes(rc), ","); got != "imported,imported,imported" {
		t.Fatalf("outcomes %s", got)
	}
	first, _, _ := strings.Cut(progress.String(), "\n")
	if first != "importing 3 keys at 2/s: about 1s" {
		t.Fatalf("first progress line %q", first)
	}
	progress.Reset()
	if _, err := kmsimport.Submit(context.Background(), e.api, kmsimport.SubmitRequest{Payload: pl, BundleSHA256: "test", Rate: 1e6, Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(progress.String(), "importing 3 keys") {
		t.Fatalf("unpaced submit announced a wait:\n%s", progress.String())
	}
}
