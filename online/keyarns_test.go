package online

import (
	"os"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/stretchr/testify/require"
)

// KeyARNs (behind `status FILE`) reads the same keys from a parameters bundle
// and from signed parameters that carry it.
func TestKeyARNsParamsSignedOrNot(t *testing.T) {
	signed, err := os.ReadFile("../bundle/testdata/signedparams/valid-p384.json")
	require.NoError(t, err)
	sp, err := bundle.ParseSignedParams(signed)
	require.NoError(t, err)
	want, err := KeyARNs(sp.Raw)
	require.NoError(t, err, "plain parameters")
	require.NotEmpty(t, want, "plain parameters: no key ARNs")
	got, err := KeyARNs(signed)
	require.NoError(t, err, "signed parameters")
	require.Equal(t, want, got, "signed parameters: %v, want %v", got, want)
	_, err = KeyARNs([]byte(`{"hello":1}`))
	require.Error(t, err, "unknown JSON accepted")
}
