package ceremony

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
)

var updateCaps = flag.Bool("update-capabilities", false, "rewrite bundle/testdata/capabilities/valid-softhsm.json from this SoftHSM")

// softHSMCapsVector is the capabilities vector every other capabilities test
// starts from: what SoftHSM measures of itself, signed by the published
// test key test-signer-p384 (never trust it).
const softHSMCapsVector = "../bundle/testdata/capabilities/valid-softhsm.json"

// TestSoftHSMCapabilitiesVector: the committed SoftHSM capabilities vector
// is what this SoftHSM really measures (verdicts, key-wrap facts, key specs;
// not the token's identity or the time). With -update-capabilities it is
// rewritten.
func TestSoftHSMCapabilitiesVector(t *testing.T) {
	st := softhsmtest.New(t)
	tok, err := hsm.Open(hsm.Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: HMACCheckInput()})
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	got, err := TokenCapabilities(tok, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if *updateCaps {
		got.Token = bundle.TokenIdentity{Manufacturer: "SoftHSM project", Model: "SoftHSM v2", Serial: "0123456789abcdef", Label: "airwrap-test"}
		got.CreatedAt = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		data, err := bundle.SignCapabilities(got, keys.Signer(t, "test-signer-p384"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(softHSMCapsVector), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(softHSMCapsVector, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(softHSMCapsVector)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := bundle.ParseSignedCapabilities(data)
	if err != nil {
		t.Fatal(err)
	}
	want := sc.Capabilities
	if !reflect.DeepEqual(got.WrappingAlgorithms, want.WrappingAlgorithms) {
		t.Errorf("wrapping algorithms:\n got %+v\nwant %+v", got.WrappingAlgorithms, want.WrappingAlgorithms)
	}
	if got.KWPMechanism != want.KWPMechanism || got.KWPPadsCorrectly != want.KWPPadsCorrectly {
		t.Errorf("key wrap: got %q %v, want %q %v", got.KWPMechanism, got.KWPPadsCorrectly, want.KWPMechanism, want.KWPPadsCorrectly)
	}
	if !reflect.DeepEqual(got.KeySpecs, want.KeySpecs) {
		t.Errorf("key specs:\n got %+v\nwant %+v", got.KeySpecs, want.KeySpecs)
	}
}
