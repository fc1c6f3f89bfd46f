package transcript_test

import (
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/transcripttest"
	"github.com/airwrap/airwrap/transcript"
	"github.com/stretchr/testify/require"
)

var (
	payloadSHA = strings.Repeat("ab", 32)
	bundle1SHA = strings.Repeat("01", 32)
	bundle2SHA = strings.Repeat("02", 32)
	signerA    = strings.Repeat("aa", 32)
	signerB    = strings.Repeat("bb", 32)
)

func clock() func() time.Time {
	t0 := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	return func() time.Time { t0 = t0.Add(time.Second); return t0 }
}

// ceremony writes what wrap writes (steps, payload.built, signed) and, with
// cosign, what cosign appends; it returns the transcript and its binding.
func ceremony(t *testing.T, cosign bool, run int) ([]byte, transcript.Binding) {
	t.Helper()
	tr := transcript.New(clock())
	for _, s := range []string{"ceremony.start", "params.entry", "token.identity", "wrap", transcript.StepPayloadBuilt} {
		err := tr.Record(s, map[string]any{"run": run})
		require.NoError(t, err)
	}
	b := transcript.Binding{TranscriptSHA256: tr.Head(), PayloadSHA256: payloadSHA, BundleSHA256: bundle1SHA, KeyIDs: []string{signerA}}
	err := tr.RecordSignature(transcript.StepSigned, transcript.Signature{BundleSHA256: bundle1SHA, PayloadSHA256: payloadSHA, SignerKeyID: signerA})
	require.NoError(t, err)
	if !cosign {
		return tr.Bytes(), b
	}
	// cosign resumes the file and appends one line
	tr2, err := transcript.Resume(tr.Bytes(), clock())
	require.NoError(t, err)
	err = tr2.RecordSignature(transcript.StepCosigned, transcript.Signature{BundleSHA256: bundle2SHA, PayloadSHA256: payloadSHA, SignerKeyID: signerB})
	require.NoError(t, err)
	b.BundleSHA256, b.KeyIDs = bundle2SHA, []string{signerA, signerB}
	return tr2.Bytes(), b
}

func TestCheckBundleAccepts(t *testing.T) {
	for _, cosign := range []bool{false, true} {
		data, b := ceremony(t, cosign, 1)
		s, err := transcript.CheckBundle(data, b)
		require.NoError(t, err, "cosign=%v", cosign)
		want := 6
		if cosign {
			want = 7
		}
		require.Equal(t, want, s.Lines, "cosign=%v: summary %+v", cosign, s)
		require.Equal(t, 5, s.PayloadLine, "cosign=%v: summary %+v", cosign, s)
		require.Equal(t, b.TranscriptSHA256, s.PayloadHead, "cosign=%v: summary %+v", cosign, s)
		require.True(t, s.BundleBound, "cosign=%v: summary %+v", cosign, s)
		require.Len(t, s.Signers, want-5, "cosign=%v: summary %+v", cosign, s)
		head, _ := transcript.HeadOf(data)
		require.Equal(t, head, s.Head, "head %s, want %s", s.Head, head)
	}
}

// Every attack on the transcript of a cosigned bundle, with the error it gets.
func TestCheckBundleRefuses(t *testing.T) {
	other, _ := ceremony(t, true, 2) // another ceremony, the same steps
	for _, c := range []struct {
		name string
		op   []string
		bind func(*transcript.Binding)
		want error
		msg  string
	}{
		{name: "altered line", op: []string{"edit", "2"}, want: transcript.ErrBroken, msg: "line 3: prev does not match the hash of line 2"},
		{name: "altered last line", op: []string{"edit", "-1"}, want: transcript.ErrSteps, msg: `line 7 is "Cosigned"`},
		{name: "deleted line", op: []string{"delete", "3"}, want: transcript.ErrBroken, msg: "line 3: seq is not 3"},
		{name: "deleted last line", op: []string{"delete", "-1"}, want: transcript.ErrMismatch, msg: "the transcript records 1 signature(s)"},
		{name: "deleted line, chain recomputed", op: []string{"rechain-delete", "2"}, want: transcript.ErrMismatch, msg: "the bundle's transcript_sha256 is"},
		{name: "signed line deleted, chain recomputed", op: []string{"rechain-delete", "6"}, want: transcript.ErrSteps, msg: `line 6 is "cosigned" where only "signed" may follow line 5 (payload.built)`},
		{name: "appended line", op: []string{"append", "operator.note"}, want: transcript.ErrSteps, msg: `line 8 is "operator.note" where only "cosigned" may follow`},
		{name: "appended payload.built", op: []string{"append", "payload.built"}, want: transcript.ErrSteps, msg: "line 8: a second payload.built line (the first is line 5)"},
		{name: "reordered lines", op: []string{"swap", "2", "3"}, want: transcript.ErrBroken, msg: "line 2: seq is not 2"},
		{name: "transcript of another bundle", want: transcript.ErrMismatch, msg: "the bundle's transcript_sha256 is"},
		{name: "mismatching transcript_sha256", bind: func(b *transcript.Binding) { b.TranscriptSHA256 = strings.Repeat("0", 64) }, want: transcript.ErrMismatch, msg: "the bundle's transcript_sha256 is 0000"},
		{name: "another payload", bind: func(b *transcript.Binding) { b.PayloadSHA256 = bundle1SHA }, want: transcript.ErrMismatch, msg: "the bundle carries payload 0101"},
		{name: "another bundle file", bind: func(b *transcript.Binding) { b.BundleSHA256 = bundle1SHA }, want: transcript.ErrMismatch, msg: "line 7 names bundle file 0202"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, b := ceremony(t, true, 1)
			if c.name == "transcript of another bundle" {
				data = other
			}
			if c.op != nil {
				var err error
				data, err = transcripttest.Tamper(data, c.op[0], c.op[1:]...)
				require.NoError(t, err)
			}
			if c.bind != nil {
				c.bind(&b)
			}
			_, err := transcript.CheckBundle(data, b)
			require.ErrorIs(t, err, c.want, "err = %v, want %v", err, c.want)
			if c.msg != "" {
				require.Contains(t, err.Error(), c.msg, "error does not say %q", c.msg)
			}
		})
	}
}

// Check on its own (no bundle) holds the transcript to the steps after signing.
func TestCheckStepsAfterSigning(t *testing.T) {
	tr := transcript.New(clock())
	_ = tr.Record("ceremony.start", map[string]any{})
	_, err := transcript.Check(tr.Bytes())
	require.ErrorIs(t, err, transcript.ErrSteps, "unsigned transcript: %v", err)
	require.Contains(t, err.Error(), "no payload.built line", "unsigned transcript: %v", err)
	_ = tr.Record(transcript.StepPayloadBuilt, map[string]any{})
	_, err = transcript.Check(tr.Bytes())
	require.ErrorIs(t, err, transcript.ErrSteps, "no signed line: %v", err)
	require.Contains(t, err.Error(), "the signed line is missing", "no signed line: %v", err)
	_ = tr.Record(transcript.StepSigned, map[string]any{"bundle_sha256": "x"})
	_, err = transcript.Check(tr.Bytes())
	for _, want := range []string{"bundle_sha256 is not 64 lowercase hex", "payload_sha256 is not", "signer_keyid is not", "signature_verified is not true"} {
		require.ErrorIs(t, err, transcript.ErrSteps, "incomplete signed line: %v (want %q)", err, want)
		require.Contains(t, err.Error(), want, "incomplete signed line: %v (want %q)", err, want)
	}
	err = tr.RecordSignature("note", transcript.Signature{})
	require.ErrorIs(t, err, transcript.ErrField, "RecordSignature with another step: %v", err)
}

func TestResumeRefusesBrokenChain(t *testing.T) {
	data, _ := ceremony(t, false, 1)
	bad, err := transcripttest.Tamper(data, "swap", "1", "2")
	require.NoError(t, err)
	_, err = transcript.Resume(bad, clock())
	require.ErrorIs(t, err, transcript.ErrBroken, "resumed a broken transcript: %v", err)
}
