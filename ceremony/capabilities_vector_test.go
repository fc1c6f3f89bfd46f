package ceremony

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.NoError(t, err)
	defer tok.Close()
	got, err := TokenCapabilities(tok, "test", time.Now())
	require.NoError(t, err)
	if *updateCaps {
		got.Token = bundle.TokenIdentity{Manufacturer: "SoftHSM project", Model: "SoftHSM v2", Serial: "0123456789abcdef", Label: "airwrap-test"}
		got.CreatedAt = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		data, err := bundle.SignCapabilities(got, keys.Signer(t, "test-signer-p384"))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(softHSMCapsVector), 0o755))
		require.NoError(t, os.WriteFile(softHSMCapsVector, data, 0o644))
	}
	data, err := os.ReadFile(softHSMCapsVector)
	require.NoError(t, err)
	sc, err := bundle.ParseSignedCapabilities(data)
	require.NoError(t, err)
	want := sc.Capabilities
	assert.Equal(t, want.WrappingAlgorithms, got.WrappingAlgorithms, "wrapping algorithms")
	assert.Equal(t, want.KWPMechanism, got.KWPMechanism, "key wrap mechanism")
	assert.Equal(t, want.KWPPadsCorrectly, got.KWPPadsCorrectly, "key wrap pads correctly")
	assert.Equal(t, want.KeySpecs, got.KeySpecs, "key specs")
}
