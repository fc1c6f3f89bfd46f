package crosstoken

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
)

// TestCapabilitiesFileMatchesReality: what `airwrap hsm info --out` writes
// for opencryptoki and NSS (ceremony.TokenCapabilities) is what those tokens
// really do, by the rows TestCapabilitiesMatchReality holds them to: a spec
// it holds can be generated and a spec it cannot is not; every algorithm
// KMS allows for a spec it holds is exported exactly where the token really
// wraps such a key correctly, and refused, with a reason, where not. Every
// exported (spec, algorithm) is then wrapped for real and unwrapped
// independently by TestCapabilitiesMatchReality's own cells.
func TestCapabilitiesFileMatchesReality(t *testing.T) {
	for _, r := range tokenTable {
		t.Run(r.kind, func(t *testing.T) { checkCapabilitiesFile(t, r) })
	}
}

func checkCapabilitiesFile(t *testing.T, r row) {
	tok := open(t, r.new(t))
	before := count(t, tok)
	caps, err := ceremony.TokenCapabilities(tok, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if after := count(t, tok); after != before {
		t.Fatalf("measuring left %d objects", after-before)
	}
	for _, a := range caps.WrappingAlgorithms {
		if a.OK != r.works[a.Algorithm] {
			t.Errorf("%s ok=%v, the token really does %v", a.Algorithm, a.OK, r.works[a.Algorithm])
		}
	}
	if caps.KWPPadsCorrectly != r.padsOK {
		t.Errorf("kwp_pads_correctly %v, want %v", caps.KWPPadsCorrectly, r.padsOK)
	}
	for _, s := range caps.KeySpecs {
		holds, cannot := slices.Contains(r.holds, s.KeySpec), slices.Contains(r.cannot, s.KeySpec)
		switch {
		case holds && !s.CanGenerate:
			t.Errorf("%s: can_generate false (%s), the token really makes it", s.KeySpec, s.GenerateReason)
		case cannot && s.CanGenerate:
			t.Errorf("%s: can_generate true, the token really refuses it", s.KeySpec)
		case !holds && !cannot:
			continue // not in the table (slow RSA sizes): nothing to compare
		}
		if cannot {
			continue
		}
		spec := kmsrules.KeySpec(s.KeySpec)
		for _, alg := range spec.Algorithms() {
			works := r.works[string(alg)] && !r.except[s.KeySpec+" "+string(alg)]
			exported := slices.Contains(s.ExportAlgorithms, string(alg))
			if exported != works {
				t.Errorf("%s %s: exported=%v, the token really wraps it=%v", s.KeySpec, alg, exported, works)
			}
		}
		for _, ref := range s.ExportRefusals {
			if ref.Reason == "" {
				t.Errorf("%s %s refused without a reason", s.KeySpec, ref.Algorithm)
			}
		}
	}
	// key generate's check agrees with the file.
	for _, s := range caps.KeySpecs {
		err := ceremony.CheckExportable(tok, s.KeySpec)
		if (err == nil) != (len(s.ExportAlgorithms) > 0) || (err != nil && !errors.Is(err, ceremony.ErrCannotExport) && !errors.Is(err, hsm.ErrUnsupported)) {
			t.Errorf("%s: CheckExportable %v, file exports %v", s.KeySpec, err, s.ExportAlgorithms)
		}
	}
}
