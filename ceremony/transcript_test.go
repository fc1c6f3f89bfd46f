package ceremony

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// The transcript a real wrap writes is the record of its bundle; cosign
// copies it with one "cosigned" line, and each transcript belongs to its
// own bundle file only.
func TestTranscriptOfWrapAndCosign(t *testing.T) {
	open, pub := realToken(t)
	o, _ := realOptions(t, open)
	if _, err := Wrap(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := os.ReadFile(o.Out + TranscriptSuffix)
	if err != nil {
		t.Fatal(err)
	}
	trustA := verify.TrustedKey{Public: pub}
	v, err := openBundle(data, []verify.TrustedKey{trustA}, 1, o.Params, tr, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if v.Transcript == nil || v.Transcript.Steps[v.Transcript.Lines-1] != transcript.StepSigned || len(v.Transcript.Signers) != 1 {
		t.Fatalf("transcript summary %+v", v.Transcript)
	}

	cs, err := ReadForCosign(data, []verify.TrustedKey{trustA}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AttachTranscript(tr[:len(tr)-2], time.Now); !errors.Is(err, transcript.ErrBroken) {
		t.Fatalf("cosign attached a cut transcript: %v", err)
	}
	if _, err := cs.AttachTranscript(tr, time.Now); err != nil {
		t.Fatal(err)
	}
	b, trustB := vectorSigner(t, "test-signer-p256")
	data2, tr2, err := cs.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	both := []verify.TrustedKey{trustA, trustB}
	v2, err := openBundle(data2, both, 2, o.Params, tr2, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if v2.Transcript.Lines != v.Transcript.Lines+1 || v2.Transcript.Steps[v2.Transcript.Lines-1] != transcript.StepCosigned || v2.Transcript.PayloadHead != v.Transcript.PayloadHead {
		t.Fatalf("cosigned transcript summary %+v", v2.Transcript)
	}
	// each transcript belongs to its own bundle file
	if _, err := openBundle(data2, both, 2, nil, tr, time.Now()); !errors.Is(err, transcript.ErrMismatch) {
		t.Fatalf("the cosigned bundle with the wrap's transcript: %v", err)
	}
	if _, err := openBundle(data, both, 1, nil, tr2, time.Now()); !errors.Is(err, transcript.ErrMismatch) {
		t.Fatalf("the wrapped bundle with the cosign's transcript: %v", err)
	}
}

// openBundle is `airwrap verify` on data: verify.OpenImport with every check.
func openBundle(data []byte, trusted []verify.TrustedKey, k int, params, tr []byte, now time.Time) (*verify.Opened, error) {
	return verify.OpenImport(verify.OpenRequest{Bundle: data, Trusted: trusted, Threshold: k, RulesAt: now, Params: params, Transcript: tr})
}
