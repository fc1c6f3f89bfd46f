package verify

import (
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/transcript"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// OpenImport runs every check asked for and reports every problem at once,
// each named by its part; a file that does not parse is the only problem.
func TestOpenImport(t *testing.T) {
	data := readVector(t, "envelope/valid-p384.json")
	p384 := trustOf(t, "test-signer-p384")
	o, err := OpenImport(OpenRequest{Bundle: data, Trusted: []TrustedKey{p384}})
	require.NoError(t, err)
	require.Equal(t, bundle.SHA256Hex(data), o.BundleSHA256, "opened %+v", o)
	require.Equal(t, bundle.SHA256Hex(o.Raw), o.PayloadSHA256, "opened %+v", o)
	require.Len(t, o.TrustedBy, 1, "opened %+v", o)
	require.Equal(t, p384.KeyID, o.TrustedBy[0].KeyID, "opened %+v", o)
	require.NotEmpty(t, o.Payload.Entries, "opened %+v", o)
	require.Nil(t, o.Transcript, "opened %+v", o)
	// Unverified: no Trusted, no TrustedBy.
	o, err = OpenImport(OpenRequest{Bundle: data})
	require.NoError(t, err, "without trust: %+v, %v", o, err)
	require.Nil(t, o.TrustedBy, "without trust: %+v, %v", o, err)

	other := trustOf(t, "test-signer-p256")
	late := o.Payload.Entries[0].ParametersValidTo.Add(time.Hour)
	_, err = OpenImport(OpenRequest{Bundle: data, Trusted: []TrustedKey{other}, RulesAt: late, Params: []byte("{}"), Transcript: []byte("{}\n")})
	var parts []Part
	for _, p := range Problems(err) {
		parts = append(parts, p.Part)
	}
	want := []Part{PartSignatures, PartRules, PartParams, PartTranscript}
	require.Equal(t, want, parts, "parts %v, want %v: %v", parts, want, err)
	for _, want := range []error{ErrUntrusted, ErrParamsExpired, ErrBinding, transcript.ErrBroken} {
		assert.ErrorIs(t, err, want, "%v is not %v", err, want)
	}

	_, err = OpenImport(OpenRequest{Bundle: []byte("{}"), Trusted: []TrustedKey{other}, Params: []byte("{}"), Transcript: []byte("{}")})
	ps := Problems(err)
	require.Len(t, ps, 1, "not a bundle: %v", err)
	require.Equal(t, PartBundle, ps[0].Part, "not a bundle: %v", err)
	require.ErrorIs(t, err, bundle.ErrMalformed, "not a bundle: %v", err)
}
