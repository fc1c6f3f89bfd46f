package ceremony

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/require"
)

// The transcript a real wrap writes is the record of its bundle; cosign
// copies it with one "cosigned" line, and each transcript belongs to its
// own bundle file only.
func TestTranscriptOfWrapAndCosign(t *testing.T) {
	open, pub := realToken(t)
	o, _ := realOptions(t, open)
	_, err := Wrap(context.Background(), o)
	require.NoError(t, err)
	data, err := os.ReadFile(o.Out)
	require.NoError(t, err)
	tr, err := os.ReadFile(o.Out + TranscriptSuffix)
	require.NoError(t, err)
	trustA := verify.TrustedKey{Public: pub}
	v, err := openBundle(data, []verify.TrustedKey{trustA}, 1, o.Params, tr, time.Now())
	require.NoError(t, err)
	require.NotNil(t, v.Transcript, "transcript summary %+v", v.Transcript)
	require.Equal(t, transcript.StepSigned, v.Transcript.Steps[v.Transcript.Lines-1], "transcript summary %+v", v.Transcript)
	require.Len(t, v.Transcript.Signers, 1, "transcript summary %+v", v.Transcript)

	cs, err := ReadForCosign(data, []verify.TrustedKey{trustA}, time.Now())
	require.NoError(t, err)
	_, err = cs.AttachTranscript(tr[:len(tr)-2], time.Now)
	require.ErrorIs(t, err, transcript.ErrBroken, "cosign attached a cut transcript")
	_, err = cs.AttachTranscript(tr, time.Now)
	require.NoError(t, err)
	b, trustB := vectorSigner(t, "test-signer-p256")
	data2, tr2, err := cs.Sign(b)
	require.NoError(t, err)
	both := []verify.TrustedKey{trustA, trustB}
	v2, err := openBundle(data2, both, 2, o.Params, tr2, time.Now())
	require.NoError(t, err)
	require.Equal(t, v.Transcript.Lines+1, v2.Transcript.Lines, "cosigned transcript summary %+v", v2.Transcript)
	require.Equal(t, transcript.StepCosigned, v2.Transcript.Steps[v2.Transcript.Lines-1], "cosigned transcript summary %+v", v2.Transcript)
	require.Equal(t, v.Transcript.PayloadHead, v2.Transcript.PayloadHead, "cosigned transcript summary %+v", v2.Transcript)
	// each transcript belongs to its own bundle file
	_, err = openBundle(data2, both, 2, nil, tr, time.Now())
	require.ErrorIs(t, err, transcript.ErrMismatch, "the cosigned bundle with the wrap's transcript")
	_, err = openBundle(data, both, 1, nil, tr2, time.Now())
	require.ErrorIs(t, err, transcript.ErrMismatch, "the wrapped bundle with the cosign's transcript")
}

// openBundle is `airwrap verify` on data: verify.OpenImport with every check.
func openBundle(data []byte, trusted []verify.TrustedKey, k int, params, tr []byte, now time.Time) (*verify.Opened, error) {
	return verify.OpenImport(verify.OpenRequest{Bundle: data, Trusted: trusted, Threshold: k, RulesAt: now, Params: params, Transcript: tr})
}
