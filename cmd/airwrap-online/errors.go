package main

import (
	"errors"
	"io"
	"os"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// hints for errors that carry none of their own (kmsimport errors do: see
// kmsimport.Hints). The first match wins.
var hints = []struct {
	err  error
	hint string
}{
	{atomicfile.ErrExists, "airwrap-online never replaces a file: choose another path, or move the old file away"},
	{kmsimport.ErrNoRegion, "pass --region, set AWS_REGION, or use a --profile that names a Region"},
	{verify.ErrUntrusted, "pass the signer's public key with --trust (from `airwrap signer export`), or check --threshold"},
	{verify.ErrBinding, "the bundle does not answer these parameters: check you have the right files"},
	{bundle.ErrMalformed, "the file is not a valid airwrap file: check it is the one you meant, unchanged"},
	{transcript.ErrMissing, "`wrap` writes BUNDLE.transcript.jsonl beside the bundle (and `cosign` beside its --out): copy it with the bundle, or name it with --transcript FILE"},
	{transcript.ErrBroken, "the transcript was edited, truncated, or lines were removed or reordered: use the copy airwrap wrote, and treat this one as tampered with"},
	{transcript.ErrSteps, "only wrap's \"signed\" line and one \"cosigned\" line per cosign may follow the payload: lines were added or removed after signing; use the copy airwrap wrote"},
	{transcript.ErrMismatch, "this is the transcript of another bundle (a cosigned bundle has its own, OUT.transcript.jsonl): pass the one written beside this bundle"},
	{os.ErrNotExist, "check the path"},
}

// report writes the error in airwrap-online's voice: one `error:` line per
// problem, then the hints.
func report(w io.Writer, err error) {
	if clikit.ReportError(w, "airwrap-online", err) {
		return
	}
	hs := kmsimport.Hints(err)
	if len(hs) == 0 {
		for _, h := range hints {
			if errors.Is(err, h.err) {
				hs = append(hs, h.hint)
				break
			}
		}
	}
	for _, h := range hs {
		clikit.Hint(w, "airwrap-online", h)
	}
}
