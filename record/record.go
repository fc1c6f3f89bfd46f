// Package record turns an import bundle and its transcript into a record the
// people at a ceremony sign: a printable PDF and a Markdown twin holding the
// same facts. Nothing is printed before the transcript's chain verifies and
// the bundle's signed payload is bound to one of its lines; no HSM is needed.
//
// Every string taken from the bundle or the transcript goes through Shown,
// so a hostile file cannot change the layout or smuggle markup; every
// fingerprint is bundle.Fingerprint of the bytes it names.
package record

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/verify"
)

// Input is what a record is made from. Params and Trusted are optional; when
// given, the record also states that the bundle answers those parameters and
// which trusted keys signed it.
type Input struct {
	Bundle         []byte
	BundlePath     string
	Transcript     []byte
	TranscriptPath string
	Params         []byte // nil: not checked
	ParamsPath     string
	Trusted        []verify.TrustedKey // empty: signatures not verified
	ToolVersion    string              // the airwrap that prints the record
}

// Document is the record, already made safe to print: both renderers draw
// exactly these rows, so the PDF and the Markdown say the same things.
type Document struct {
	Title    string
	Intro    string
	Sections []Section
	Signers  []string // Shown names of the operators recorded in the bundle
	Footer   string
	Created  time.Time // the payload's created_at: the PDF's date, for reproducible output
}

// Section is a titled list of rows.
type Section struct {
	Title string
	Rows  []Row
}

// Row is one fact. Mono values are digests or identifiers (fixed-width);
// Fill rows are blank lines to complete by hand.
type Row struct {
	Name  string
	Value string
	Mono  bool
	Fill  bool
}

// Build verifies the inputs and lays out the record. It reports every problem
// it finds at once; on any error there is no Document.
func Build(in Input) (*Document, error) {
	// The transcript must be this very bundle file's record: the chain holds,
	// transcript_sha256 names its payload.built line, and only the signature
	// lines of this bundle's signers follow. Its rules are not checked: the
	// record is printed after the ceremony, when the parameters may expire.
	tr := in.Transcript
	if tr == nil {
		tr = []byte{} // required: checked, and refused, when empty
	}
	o, err := verify.OpenImport(verify.OpenRequest{Bundle: in.Bundle, Trusted: in.Trusted, Params: in.Params, Transcript: tr})
	if err != nil {
		var errs []error
		for _, p := range verify.Problems(err) {
			switch p.Part {
			case verify.PartParams:
				errs = append(errs, fmt.Errorf("%s against %s: %w", in.BundlePath, in.ParamsPath, p))
			case verify.PartTranscript:
				errs = append(errs, fmt.Errorf("%s and %s: %w", in.BundlePath, in.TranscriptPath, p))
			default:
				errs = append(errs, fmt.Errorf("%s: %w", in.BundlePath, p))
			}
		}
		return nil, errors.Join(errs...)
	}
	var pubs map[string][]byte
	if in.Params != nil {
		pubs = wrappingKeys(in.Params)
	}
	f := &facts{in: in, env: o.Envelope, raw: o.Raw, p: o.Payload, lines: splitLines(in.Transcript), bound: o.Transcript.PayloadLine - 1, trustedBy: o.TrustedBy, pubs: pubs}
	return f.document(), nil
}

// wrappingKeys maps each key ARN to its wrapping public key (DER) in a
// parameters file that verify.CheckImportAgainstParams has accepted.
func wrappingKeys(params []byte) map[string][]byte {
	out := map[string][]byte{}
	var ps *bundle.Params
	switch bundle.Detect(params) {
	case bundle.KindParams:
		ps, _ = bundle.ParseParams(params)
	case bundle.KindSignedParams:
		if sp, err := bundle.ParseSignedParams(params); err == nil {
			ps = sp.Params
		}
	case bundle.KindAWSCLI:
		if a, err := bundle.ParseAWSCLIParams(params); err == nil {
			out[a.KeyID] = a.PublicKey
		}
	}
	if ps != nil {
		for _, e := range ps.Entries {
			out[e.KeyARN] = e.PublicKey
		}
	}
	return out
}

// joinShown prints a list of strings from a file.
func joinShown(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Shown(s)
	}
	return strings.Join(out, ", ")
}
