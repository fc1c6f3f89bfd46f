package transcript

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The steps around the signature: the one place that says what airwrap
// writes there. The payload's transcript_sha256 is the hash of the
// StepPayloadBuilt line. Right after it `airwrap wrap` writes one StepSigned
// line; `airwrap cosign` copies the transcript and appends one StepCosigned
// line per signature it adds. Each names the payload signed, the signer's
// keyid and the bundle file written. Nothing else follows.
const (
	StepPayloadBuilt = "payload.built"
	StepSigned       = "signed"
	StepCosigned     = "cosigned"
)

// Errors (errors.Is), besides ErrBroken.
var (
	// ErrSteps: the lines around the signature are not the ones airwrap writes.
	ErrSteps = errors.New("transcript steps after signing are not the ones airwrap writes")
	// ErrMismatch: the transcript is not the record of this bundle.
	ErrMismatch = errors.New("transcript does not belong to this bundle")
)

// Signature is what a StepSigned or StepCosigned line records.
type Signature struct {
	BundleSHA256  string // the bundle file written, with this signature
	PayloadSHA256 string // the payload signed
	SignerKeyID   string // bundle keyid of the signer
}

// RecordSignature appends the line for a signature just made and verified:
// step is StepSigned (wrap) or StepCosigned (cosign).
func (t *Transcript) RecordSignature(step string, s Signature) error {
	if step != StepSigned && step != StepCosigned {
		return fmt.Errorf("%w: %q is not a signature step", ErrField, step)
	}
	return t.Record(step, map[string]any{
		"bundle_sha256":      s.BundleSHA256,
		"payload_sha256":     s.PayloadSHA256,
		"signer_keyid":       s.SignerKeyID,
		"signature_verified": true,
	})
}

// Resume continues a transcript read from a file: its chain must hold.
func Resume(data []byte, now func() time.Time) (*Transcript, error) {
	head, err := HeadOf(data)
	if err != nil {
		return nil, err
	}
	t := New(now)
	t.buf.Write(data)
	t.lines = bytes.Count(data, []byte("\n"))
	t.seq = t.lines
	t.head = head
	return t, nil
}

// Summary is what Check (and CheckBundle) established about a transcript.
type Summary struct {
	Lines int      `json:"lines"`
	Head  string   `json:"head_sha256"` // hash of the last line
	Steps []string `json:"steps"`       // each line's step, in order
	// PayloadLine is the StepPayloadBuilt line; PayloadHead its hash, which
	// a bundle's transcript_sha256 must equal.
	PayloadLine   int      `json:"payload_line"`
	PayloadHead   string   `json:"payload_head_sha256"`
	PayloadSHA256 string   `json:"payload_sha256"` // the payload the signature lines name
	BundleSHA256  string   `json:"bundle_sha256"`  // the bundle file the last line names
	Signers       []string `json:"signers"`        // keyids, one per signature line, in order
	BundleBound   bool     `json:"bundle_bound"`   // CheckBundle compared it with a bundle
}

// Binding is what a bundle file says about its transcript.
type Binding struct {
	TranscriptSHA256 string   // the signed payload's transcript_sha256
	PayloadSHA256    string   // SHA-256 of the signed payload
	BundleSHA256     string   // SHA-256 of the bundle file
	KeyIDs           []string // the envelope's signature keyids, in order
}

type signedLine struct {
	Step              string  `json:"step"`
	BundleSHA256      *string `json:"bundle_sha256"`
	PayloadSHA256     *string `json:"payload_sha256"`
	SignerKeyID       *string `json:"signer_keyid"`
	SignatureVerified *bool   `json:"signature_verified"`
}

// Check verifies the chain and the steps around the signature: exactly one
// StepPayloadBuilt line, then one StepSigned line, then only StepCosigned
// lines, each complete and naming the same payload. It reports every
// problem found.
func Check(data []byte) (*Summary, error) {
	head, err := HeadOf(data)
	if err != nil {
		return nil, err
	}
	raw := bytes.Split(data[:len(data)-1], []byte("\n"))
	lines := make([]signedLine, len(raw))
	s := &Summary{Lines: len(raw), Head: head}
	built := -1
	var errs []error
	for i, l := range raw {
		_ = json.Unmarshal(l, &lines[i]) // HeadOf parsed each line already
		s.Steps = append(s.Steps, lines[i].Step)
		if lines[i].Step == StepPayloadBuilt {
			if built >= 0 {
				errs = append(errs, fmt.Errorf("%w: line %d: a second %s line (the first is line %d)", ErrSteps, i+1, StepPayloadBuilt, built+1))
				continue
			}
			built = i
		}
	}
	if built < 0 {
		return nil, fmt.Errorf("%w: no %s line: the transcript stops before the payload was signed", ErrSteps, StepPayloadBuilt)
	}
	s.PayloadLine, s.PayloadHead = built+1, hashHex(raw[built])
	for i := 0; i < built; i++ {
		if st := lines[i].Step; st == StepSigned || st == StepCosigned {
			errs = append(errs, fmt.Errorf("%w: line %d: %s before the payload was built (line %d)", ErrSteps, i+1, st, built+1))
		}
	}
	if built+1 == len(lines) {
		errs = append(errs, fmt.Errorf("%w: nothing after line %d (%s): the %s line is missing", ErrSteps, built+1, StepPayloadBuilt, StepSigned))
	}
	for i := built + 1; i < len(lines); i++ {
		want := StepCosigned
		if i == built+1 {
			want = StepSigned
		}
		if err := s.signatureLine(i+1, want, lines[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// signatureLine checks line n after the payload line: step want, complete.
func (s *Summary) signatureLine(n int, want string, l signedLine) error {
	if l.Step != want {
		return fmt.Errorf("%w: line %d is %q where only %q may follow line %d (%s)", ErrSteps, n, l.Step, want, s.PayloadLine, StepPayloadBuilt)
	}
	var errs []error
	for _, f := range []struct {
		name string
		v    *string
	}{{"bundle_sha256", l.BundleSHA256}, {"payload_sha256", l.PayloadSHA256}, {"signer_keyid", l.SignerKeyID}} {
		if f.v == nil || !isSHA256Hex(*f.v) {
			errs = append(errs, fmt.Errorf("%w: line %d (%s): %s is not 64 lowercase hex", ErrSteps, n, want, f.name))
		}
	}
	if l.SignatureVerified == nil || !*l.SignatureVerified {
		errs = append(errs, fmt.Errorf("%w: line %d (%s): signature_verified is not true", ErrSteps, n, want))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if s.PayloadSHA256 == "" {
		s.PayloadSHA256 = *l.PayloadSHA256
	} else if *l.PayloadSHA256 != s.PayloadSHA256 {
		return fmt.Errorf("%w: line %d (%s) names payload %s, line %d names %s", ErrSteps, n, want, *l.PayloadSHA256, s.PayloadLine+1, s.PayloadSHA256)
	}
	s.BundleSHA256 = *l.BundleSHA256
	s.Signers = append(s.Signers, *l.SignerKeyID)
	return nil
}

// CheckBundle is Check, then the transcript must be the record of the bundle
// b describes: its transcript_sha256 is the StepPayloadBuilt line's hash,
// the signature lines name its payload and, in order, its signers, and the
// last line names this very bundle file.
func CheckBundle(data []byte, b Binding) (*Summary, error) {
	s, err := Check(data)
	if err != nil {
		return nil, err
	}
	var errs []error
	if s.PayloadHead != b.TranscriptSHA256 {
		errs = append(errs, fmt.Errorf("%w: the bundle's transcript_sha256 is %s, line %d (%s) hashes to %s", ErrMismatch, b.TranscriptSHA256, s.PayloadLine, StepPayloadBuilt, s.PayloadHead))
	}
	if s.PayloadSHA256 != b.PayloadSHA256 {
		errs = append(errs, fmt.Errorf("%w: the transcript's signature lines name payload %s, the bundle carries payload %s", ErrMismatch, s.PayloadSHA256, b.PayloadSHA256))
	}
	if !slices.Equal(s.Signers, b.KeyIDs) {
		errs = append(errs, fmt.Errorf("%w: the transcript records %d signature(s) by %v, the bundle carries %d by %v", ErrMismatch, len(s.Signers), s.Signers, len(b.KeyIDs), b.KeyIDs))
	}
	if s.BundleSHA256 != b.BundleSHA256 {
		errs = append(errs, fmt.Errorf("%w: line %d names bundle file %s, this bundle file is %s", ErrMismatch, s.Lines, s.BundleSHA256, b.BundleSHA256))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.BundleBound = true
	return s, nil
}

func isSHA256Hex(v string) bool {
	if len(v) != 64 {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil && v == strings.ToLower(v)
}
