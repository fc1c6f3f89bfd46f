package online

import (
	"os"
	"slices"
	"testing"

	"github.com/airwrap/airwrap/bundle"
)

// KeyARNs (behind `status FILE`) reads the same keys from a parameters bundle
// and from signed parameters that carry it.
func TestKeyARNsParamsSignedOrNot(t *testing.T) {
	signed, err := os.ReadFile("../bundle/testdata/signedparams/valid-p384.json")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := bundle.ParseSignedParams(signed)
	if err != nil {
		t.Fatal(err)
	}
	want, err := KeyARNs(sp.Raw)
	if err != nil {
		t.Fatalf("plain parameters: %v", err)
	}
	if len(want) == 0 {
		t.Fatal("plain parameters: no key ARNs")
	}
	got, err := KeyARNs(signed)
	if err != nil {
		t.Fatalf("signed parameters: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("signed parameters: %v, want %v", got, want)
	}
	if _, err := KeyARNs([]byte(`{"hello":1}`)); err == nil {
		t.Fatal("unknown JSON accepted")
	}
}
