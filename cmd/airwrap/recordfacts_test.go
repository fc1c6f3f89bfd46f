package main

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
)

// pdftotextHint is how to get the independent PDF reader the record tests use.
const pdftotextHint = "pdftotext is missing: install Debian's poppler-utils (scripts/setup.sh does)"

// recordfacts PDF MD BUNDLE PARAMS SIGNER.PEM checks that the record's PDF,
// read back by pdftotext (poppler: not airwrap's code), and its Markdown twin
// both hold every fact computed here independently from the files: per key
// the ARN, label, CKA_ID, check value and key spec, the fingerprints of the
// import token and wrapping public key; the parameters, bundle, payload,
// transcript and signer fingerprints; the token serial; each operator's
// signature block with its signature and date lines. It fails (never skips)
// without pdftotext.
func cmdRecordfacts(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 5 {
		ts.Fatalf("usage: recordfacts PDF MD BUNDLE PARAMS SIGNER.PEM")
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(ts.MkAbs(name))
		ts.Check(err)
		return b
	}
	bundleBytes, paramsBytes, pemBytes := read(args[2]), read(args[3]), read(args[4])
	transcriptBytes := read(args[2] + ceremony.TranscriptSuffix)
	env, err := bundle.ParseEnvelope(bundleBytes)
	ts.Check(err)
	raw, err := base64.StdEncoding.DecodeString(env.Payload)
	ts.Check(err)
	p, err := bundle.ParseImportPayload(raw)
	ts.Check(err)
	params, err := bundle.ParseParams(paramsBytes)
	ts.Check(err)
	blk, _ := pem.Decode(pemBytes)
	if blk == nil {
		ts.Fatalf("%s: no PEM block", args[4])
	}
	want := []string{
		bundle.Fingerprint(paramsBytes), bundle.Fingerprint(bundleBytes), bundle.Fingerprint(raw),
		bundle.Fingerprint(transcriptBytes), bundle.Fingerprint(blk.Bytes), p.Token.Serial,
		"Place", "Ceremony reference", "Known-answer: passed " + strings.Join(selftestPassed(ts, transcriptBytes), ", "),
	}
	for _, e := range p.Entries {
		want = append(want, e.KeyARN, e.HSMKey.Label, e.HSMKey.ID, e.HSMKey.CheckValue, e.KeySpec, bundle.Fingerprint(e.ImportToken))
		for _, pe := range params.Entries {
			if pe.KeyARN == e.KeyARN {
				want = append(want, bundle.Fingerprint(pe.PublicKey))
			}
		}
	}
	for i, op := range p.Operators {
		want = append(want, "Signer "+string(rune('1'+i))+": "+op)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		ts.Fatalf("%v; %s", err, pdftotextHint)
	}
	out, err := exec.Command("pdftotext", ts.MkAbs(args[0]), "-").Output()
	if err != nil {
		ts.Fatalf("pdftotext %s: %v", args[0], err)
	}
	pdfText := squash(string(out))
	mdText := squash(unMarkdown(string(read(args[1]))))
	for _, w := range want {
		if !strings.Contains(pdfText, w) {
			ts.Fatalf("the PDF's text lacks %q:\n%s", w, out)
		}
		if !strings.Contains(mdText, w) {
			ts.Fatalf("the Markdown twin lacks %q", w)
		}
	}
	// One signature block per operator: each has one role line, and at
	// least as many signature and date lines as operators are printed.
	for what, text := range map[string]string{"PDF": pdfText, "Markdown twin": mdText} {
		if n := strings.Count(text, "Role (officer or witness)"); n != len(p.Operators) {
			ts.Fatalf("the %s has %d signature blocks for %d operators", what, n, len(p.Operators))
		}
		for _, l := range []string{"Signature", "Date"} {
			if n := strings.Count(text, l); n < len(p.Operators) {
				ts.Fatalf("the %s has %d %q lines for %d operators", what, n, l, len(p.Operators))
			}
		}
	}
	ts.Logf("%d facts found in both the PDF (pdftotext) and the Markdown twin", len(want))
}

// selftestPassed is what the transcript's token.selftest line says passed.
func selftestPassed(ts *testscript.TestScript, tr []byte) []string {
	for _, l := range strings.Split(string(tr), "\n") {
		var v struct {
			Step string   `json:"step"`
			OK   []string `json:"algorithms_ok"`
		}
		if json.Unmarshal([]byte(l), &v) == nil && v.Step == "token.selftest" && len(v.OK) > 0 {
			return v.OK
		}
	}
	ts.Fatalf("no token.selftest line with passed algorithms in the transcript")
	return nil
}

var (
	markdownEscape = regexp.MustCompile(`\\([[:punct:]])`)
	cellSeparator  = regexp.MustCompile(`(^|[^\\])\|`)
)

// unMarkdown undoes the record's Markdown: table cell separators become
// spaces, code tags go, escaped characters are themselves again.
func unMarkdown(s string) string {
	s = strings.NewReplacer("<code>", "", "</code>", "").Replace(s)
	s = cellSeparator.ReplaceAllString(s, "$1 ")
	return markdownEscape.ReplaceAllString(s, "$1")
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
