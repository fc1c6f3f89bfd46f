package verify

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/transcript"
)

// OpenImport runs every check asked for and reports every problem at once,
// each named by its part; a file that does not parse is the only problem.
func TestOpenImport(t *testing.T) {
	data := readVector(t, "envelope/valid-p384.json")
	p384 := trustOf(t, "test-signer-p384")
	o, err := OpenImport(OpenRequest{Bundle: data, Trusted: []TrustedKey{p384}})
	if err != nil {
		t.Fatal(err)
	}
	if o.BundleSHA256 != bundle.SHA256Hex(data) || o.PayloadSHA256 != bundle.SHA256Hex(o.Raw) || len(o.TrustedBy) != 1 || o.TrustedBy[0].KeyID != p384.KeyID || len(o.Payload.Entries) == 0 || o.Transcript != nil {
		t.Fatalf("opened %+v", o)
	}
	// Unverified: no Trusted, no TrustedBy.
	if o, err := OpenImport(OpenRequest{Bundle: data}); err != nil || o.TrustedBy != nil {
		t.Fatalf("without trust: %+v, %v", o, err)
	}

	other := trustOf(t, "test-signer-p256")
	late := o.Payload.Entries[0].ParametersValidTo.Add(time.Hour)
	_, err = OpenImport(OpenRequest{Bundle: data, Trusted: []TrustedKey{other}, RulesAt: late, Params: []byte("{}"), Transcript: []byte("{}\n")})
	var parts []Part
	for _, p := range Problems(err) {
		parts = append(parts, p.Part)
	}
	if want := []Part{PartSignatures, PartRules, PartParams, PartTranscript}; !slices.Equal(parts, want) {
		t.Fatalf("parts %v, want %v: %v", parts, want, err)
	}
	for _, want := range []error{ErrUntrusted, ErrParamsExpired, ErrBinding, transcript.ErrBroken} {
		if !errors.Is(err, want) {
			t.Errorf("%v is not %v", err, want)
		}
	}

	_, err = OpenImport(OpenRequest{Bundle: []byte("{}"), Trusted: []TrustedKey{other}, Params: []byte("{}"), Transcript: []byte("{}")})
	if ps := Problems(err); len(ps) != 1 || ps[0].Part != PartBundle || !errors.Is(err, bundle.ErrMalformed) {
		t.Fatalf("not a bundle: %v", err)
	}
}
