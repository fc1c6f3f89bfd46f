package ceremony

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// ErrAlreadySigned: the cosigner's key has already signed the bundle.
var ErrAlreadySigned = errors.New("this key has already signed the bundle")

// Cosign is an import bundle read for a second officer's signature (dual
// control): checked, and described so the officer knows what they sign.
type Cosign struct {
	Envelope      *bundle.Envelope
	Payload       *bundle.ImportPayload
	PayloadSHA256 string   // SHA-256 of the signed payload: what every signature covers
	SignedBy      []string // key ids that signed already
	TrustedBy     []verify.TrustedKey

	binding transcript.Binding // what the bundle file says of its transcript
	trData  []byte             // its transcript, when attached
	now     func() time.Time   // the transcript's clock
}

// ReadForCosign checks an import bundle before it is cosigned
// (verify.OpenImport): it parses strictly, its payload obeys the KMS rules at
// now, and when trusted keys are given, at least one of them signed it and no
// signature by one of them fails.
func ReadForCosign(data []byte, trusted []verify.TrustedKey, now time.Time) (*Cosign, error) {
	o, err := verify.OpenImport(verify.OpenRequest{Bundle: data, Trusted: trusted, RulesAt: now})
	if err != nil {
		return nil, err
	}
	c := &Cosign{Envelope: o.Envelope, Payload: o.Payload, PayloadSHA256: o.PayloadSHA256, TrustedBy: o.TrustedBy,
		binding: transcript.BindingFrom(o.ImportBundle, o.BundleSHA256)}
	for _, s := range o.Envelope.Signatures {
		c.SignedBy = append(c.SignedBy, s.KeyID)
	}
	return c, nil
}

// Refuse reports ErrAlreadySigned before the HSM is asked to sign.
func (c *Cosign) Refuse(pub crypto.PublicKey) error {
	id, err := bundle.KeyID(pub)
	if err != nil {
		return err
	}
	if slices.Contains(c.SignedBy, id) {
		return fmt.Errorf("%w: key %s", ErrAlreadySigned, id)
	}
	return nil
}

// AttachTranscript checks that tr is the transcript of the bundle being
// cosigned (transcript.CheckBundle); Sign then returns it with one
// transcript.StepCosigned line appended, to be written beside the new bundle.
func (c *Cosign) AttachTranscript(tr []byte, now func() time.Time) (*transcript.Summary, error) {
	s, err := transcript.CheckBundle(tr, c.binding)
	if err != nil {
		return nil, err
	}
	c.trData, c.now = tr, now
	return s, nil
}

// Sign adds s's signature (bundle.AddSignature: verified right after it is
// made) and returns the new bundle file and, when a transcript is attached,
// the new transcript (nil otherwise). The payload is untouched: the new
// file's payload is the old one byte for byte, and every old signature is kept.
func (c *Cosign) Sign(s crypto.Signer) (out, tr []byte, err error) {
	out, err = c.sign(s)
	if err != nil || c.trData == nil {
		return out, nil, err
	}
	t, err := transcript.Resume(c.trData, c.now)
	if err != nil {
		return nil, nil, err
	}
	id, err := bundle.KeyID(s.Public())
	if err != nil {
		return nil, nil, err
	}
	if err := t.RecordSignature(transcript.StepCosigned, transcript.Signature{
		BundleSHA256: bundle.SHA256Hex(out), PayloadSHA256: c.PayloadSHA256, SignerKeyID: id,
	}); err != nil {
		return nil, nil, fmt.Errorf("transcript: %w", err)
	}
	return out, t.Bytes(), nil
}

func (c *Cosign) sign(s crypto.Signer) ([]byte, error) {
	if err := c.Refuse(s.Public()); err != nil {
		return nil, err
	}
	env := &bundle.Envelope{PayloadType: c.Envelope.PayloadType, Payload: c.Envelope.Payload,
		Signatures: slices.Clone(c.Envelope.Signatures)}
	if err := bundle.AddSignature(env, s); err != nil {
		return nil, err
	}
	out, err := bundle.MarshalEnvelope(env)
	if err != nil {
		return nil, err
	}
	back, err := bundle.ParseEnvelope(out)
	if err != nil || back.Payload != c.Envelope.Payload || len(back.Signatures) != len(c.SignedBy)+1 {
		return nil, fmt.Errorf("%w: the cosigned bundle does not read back with the same payload", ErrSelfCheck)
	}
	for i, sig := range c.Envelope.Signatures {
		if !bytes.Equal([]byte(back.Signatures[i].Sig), []byte(sig.Sig)) {
			return nil, fmt.Errorf("%w: signature %d changed while cosigning", ErrSelfCheck, i)
		}
	}
	return out, nil
}
