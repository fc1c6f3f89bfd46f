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
	"github.com/airwrap/airwrap/transcript"
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
	var errs []error
	var env *bundle.Envelope
	var raw []byte
	var p *bundle.ImportPayload
	ib, err := bundle.ReadImportBundle(in.Bundle)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", in.BundlePath, err))
	} else {
		env, raw, p = ib.Envelope, ib.Raw, ib.Payload
	}
	// The transcript must be this very bundle file's record: the chain holds,
	// transcript_sha256 names its payload.built line, and only the signature
	// lines of this bundle's signers follow.
	sum, err := transcript.CheckBundleFile(in.Transcript, in.Bundle)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s and %s: %w", in.BundlePath, in.TranscriptPath, err))
	}
	var trustedBy []verify.TrustedKey
	var pubs map[string][]byte
	if p != nil {
		if len(in.Trusted) > 0 {
			if _, trustedBy, err = verify.VerifyEnvelope(env, in.Trusted, 1); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", in.BundlePath, err))
			}
		}
		if in.Params != nil {
			if err := verify.CheckImportAgainstParams(p, in.Params); err != nil {
				errs = append(errs, fmt.Errorf("%s against %s: %w", in.BundlePath, in.ParamsPath, err))
			} else {
				pubs = wrappingKeys(in.Params)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	f := &facts{in: in, env: env, raw: raw, p: p, lines: splitLines(in.Transcript), bound: sum.PayloadLine - 1, trustedBy: trustedBy, pubs: pubs}
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
