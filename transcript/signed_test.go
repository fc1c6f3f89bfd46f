package transcript_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/transcripttest"
	"github.com/airwrap/airwrap/transcript"
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
		if err := tr.Record(s, map[string]any{"run": run}); err != nil {
			t.Fatal(err)
		}
	}
	b := transcript.Binding{TranscriptSHA256: tr.Head(), PayloadSHA256: payloadSHA, BundleSHA256: bundle1SHA, KeyIDs: []string{signerA}}
	if err := tr.RecordSignature(transcript.StepSigned, transcript.Signature{BundleSHA256: bundle1SHA, PayloadSHA256: payloadSHA, SignerKeyID: signerA}); err != nil {
		t.Fatal(err)
	}
	if !cosign {
		return tr.Bytes(), b
	}
	// cosign resumes the file and appends one line
	tr2, err := transcript.Resume(tr.Bytes(), clock())
	if err != nil {
		t.Fatal(err)
	}
	if err := tr2.RecordSignature(transcript.StepCosigned, transcript.Signature{BundleSHA256: bundle2SHA, PayloadSHA256: payloadSHA, SignerKeyID: signerB}); err != nil {
		t.Fatal(err)
	}
	b.BundleSHA256, b.KeyIDs = bundle2SHA, []string{signerA, signerB}
	return tr2.Bytes(), b
}

func TestCheckBundleAccepts(t *testing.T) {
	for _, cosign := range []bool{false, true} {
		data, b := ceremony(t, cosign, 1)
		s, err := transcript.CheckBundle(data, b)
		if err != nil {
			t.Fatalf("cosign=%v: %v", cosign, err)
		}
		want := 6
		if cosign {
			want = 7
		}
		if s.Lines != want || s.PayloadLine != 5 || s.PayloadHead != b.TranscriptSHA256 || !s.BundleBound || len(s.Signers) != want-5 {
			t.Fatalf("cosign=%v: summary %+v", cosign, s)
		}
		if head, _ := transcript.HeadOf(data); s.Head != head {
			t.Fatalf("head %s, want %s", s.Head, head)
		}
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
				if data, err = transcripttest.Tamper(data, c.op[0], c.op[1:]...); err != nil {
					t.Fatal(err)
				}
			}
			if c.bind != nil {
				c.bind(&b)
			}
			_, err := transcript.CheckBundle(data, b)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.msg != "" && !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error does not say %q:\n%v", c.msg, err)
			}
		})
	}
}

// Check on its own (no bundle) holds the transcript to the steps after signing.
func TestCheckStepsAfterSigning(t *testing.T) {
	tr := transcript.New(clock())
	_ = tr.Record("ceremony.start", map[string]any{})
	if _, err := transcript.Check(tr.Bytes()); !errors.Is(err, transcript.ErrSteps) || !strings.Contains(err.Error(), "no payload.built line") {
		t.Fatalf("unsigned transcript: %v", err)
	}
	_ = tr.Record(transcript.StepPayloadBuilt, map[string]any{})
	if _, err := transcript.Check(tr.Bytes()); !errors.Is(err, transcript.ErrSteps) || !strings.Contains(err.Error(), "the signed line is missing") {
		t.Fatalf("no signed line: %v", err)
	}
	_ = tr.Record(transcript.StepSigned, map[string]any{"bundle_sha256": "x"})
	_, err := transcript.Check(tr.Bytes())
	for _, want := range []string{"bundle_sha256 is not 64 lowercase hex", "payload_sha256 is not", "signer_keyid is not", "signature_verified is not true"} {
		if !errors.Is(err, transcript.ErrSteps) || !strings.Contains(err.Error(), want) {
			t.Fatalf("incomplete signed line: %v (want %q)", err, want)
		}
	}
	if err := tr.RecordSignature("note", transcript.Signature{}); !errors.Is(err, transcript.ErrField) {
		t.Fatalf("RecordSignature with another step: %v", err)
	}
}

func TestResumeRefusesBrokenChain(t *testing.T) {
	data, _ := ceremony(t, false, 1)
	bad, err := transcripttest.Tamper(data, "swap", "1", "2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transcript.Resume(bad, clock()); !errors.Is(err, transcript.ErrBroken) {
		t.Fatalf("resumed a broken transcript: %v", err)
	}
}
