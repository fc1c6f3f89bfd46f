package crosstoken

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.NoError(t, err)
	after := count(t, tok)
	require.Equal(t, before, after, "measuring left %d objects", after-before)
	for _, a := range caps.WrappingAlgorithms {
		assert.Equal(t, r.works[a.Algorithm], a.OK, "%s ok: want what the token really does", a.Algorithm)
	}
	assert.Equal(t, r.padsOK, caps.KWPPadsCorrectly, "kwp_pads_correctly")
	for _, s := range caps.KeySpecs {
		holds, cannot := slices.Contains(r.holds, s.KeySpec), slices.Contains(r.cannot, s.KeySpec)
		if !holds && !cannot {
			continue // not in the table (slow RSA sizes): nothing to compare
		}
		if holds {
			assert.True(t, s.CanGenerate, "%s: can_generate false (%s), the token really makes it", s.KeySpec, s.GenerateReason)
		}
		if cannot {
			assert.False(t, s.CanGenerate, "%s: can_generate true, the token really refuses it", s.KeySpec)
			continue
		}
		spec := kmsrules.KeySpec(s.KeySpec)
		for _, alg := range spec.Algorithms() {
			works := r.works[string(alg)] && !r.except[s.KeySpec+" "+string(alg)]
			exported := slices.Contains(s.ExportAlgorithms, string(alg))
			assert.Equal(t, works, exported, "%s %s: exported, want whether the token really wraps it", s.KeySpec, alg)
		}
		for _, ref := range s.ExportRefusals {
			assert.NotEmpty(t, ref.Reason, "%s %s refused without a reason", s.KeySpec, ref.Algorithm)
		}
	}
	// key generate's check agrees with the file.
	for _, s := range caps.KeySpecs {
		err := ceremony.CheckExportable(tok, s.KeySpec)
		assert.Equal(t, len(s.ExportAlgorithms) > 0, err == nil, "%s: CheckExportable %v, file exports %v", s.KeySpec, err, s.ExportAlgorithms)
		if err != nil {
			assert.True(t, errors.Is(err, ceremony.ErrCannotExport) || errors.Is(err, hsm.ErrUnsupported),
				"%s: CheckExportable %v: want ErrCannotExport or ErrUnsupported", s.KeySpec, err)
		}
	}
}
