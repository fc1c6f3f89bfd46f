package ceremony

import (
	"crypto"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/airwrap/airwrap/verify"
)

// The published test keys and vectors of package bundle (never trust them).
func vectorSigner(t *testing.T, name string) (crypto.Signer, verify.TrustedKey) {
	tk, err := verify.LoadTrust(keys.PublicPEM(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return keys.Signer(t, name), tk
}

func TestCosign(t *testing.T) {
	data, err := os.ReadFile("../bundle/testdata/envelope/valid-p384.json")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) // the vectors' parameters are valid then
	a, trustA := vectorSigner(t, "test-signer-p384")
	b, trustB := vectorSigner(t, "test-signer-p256")

	cs, err := ReadForCosign(data, []verify.TrustedKey{trustA}, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.SignedBy) != 1 || cs.SignedBy[0] != trustA.KeyID || len(cs.TrustedBy) != 1 {
		t.Fatalf("signed by %v, trusted %v", cs.SignedBy, cs.TrustedBy)
	}
	out, _, err := cs.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	env, err := bundle.ParseEnvelope(out)
	if err != nil {
		t.Fatal(err)
	}
	if env.Payload != cs.Envelope.Payload || len(env.Signatures) != 2 || env.Signatures[0] != cs.Envelope.Signatures[0] {
		t.Fatal("the payload or the first signature changed")
	}
	if _, by, err := verify.VerifyEnvelope(env, []verify.TrustedKey{trustA, trustB}, 2); err != nil || len(by) != 2 {
		t.Fatalf("threshold 2 after cosign: %v", err)
	}
	if _, _, err := cs.Sign(a); !errors.Is(err, ErrAlreadySigned) {
		t.Fatalf("the first signer signed again: %v", err)
	}
	if _, err := ReadForCosign(out, nil, at); err != nil {
		t.Fatal(err)
	}
	// --trust with a key that has not signed: refused before signing.
	if _, err := ReadForCosign(data, []verify.TrustedKey{trustB}, at); !errors.Is(err, verify.ErrUntrusted) {
		t.Fatalf("untrusted first signature: %v", err)
	}
	// Expired parameters: nothing to cosign.
	if _, err := ReadForCosign(data, nil, at.Add(48*time.Hour)); !errors.Is(err, verify.ErrParamsExpired) {
		t.Fatalf("expired: %v", err)
	}
	// Not an import bundle.
	params, _ := os.ReadFile("../bundle/testdata/params/valid-one-entry.json")
	if _, err := ReadForCosign(params, nil, at); !errors.Is(err, bundle.ErrMalformed) {
		t.Fatalf("params accepted: %v", err)
	}
}
