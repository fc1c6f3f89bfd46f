package record

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Operators and a key label a hostile or merely international ceremony
// might carry: Latin-1 (printed as is), other scripts, quotes, Markdown and
// HTML, and a 128-byte name with no space to break at.
var (
	hostileLabel     = "Ж|*k*[x](y)<b>&amp;`"
	hostileOperators = []string{"Zoë Ødegård", `Łukasz "Ж" | *bold* <b>`, strings.Repeat("W", bundle.MaxNameLen)}
)

// ceremonyOnSoftHSM runs a real wrap on a throwaway SoftHSM token and
// returns the record's Input (bundle, transcript, parameters, trusted key).
// It fails, never skips, without SoftHSM.
func ceremonyOnSoftHSM(t *testing.T) Input {
	t.Helper()
	st := softhsmtest.New(t)
	cfg := func() hsm.Config { // a fresh PIN buffer each time: Open wipes the one it is given
		return hsm.Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: ceremony.HMACCheckInput()}
	}
	tok, err := hsm.Open(cfg())
	require.NoError(t, err)
	_, err = ceremony.GenerateKey(tok, hostileLabel, "SYMMETRIC_DEFAULT")
	require.NoError(t, err)
	s, err := tok.GenerateSigner("s", "ECDSA_P256")
	require.NoError(t, err)
	pub := s.Public()
	err = tok.Close()
	require.NoError(t, err)
	m, err := ceremonytest.Params(time.Now())
	require.NoError(t, err)
	v := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	out := filepath.Join(t.TempDir(), "import.json")
	_, err = ceremony.Wrap(context.Background(), ceremony.Options{
		Params: m.Data, ParamsPath: "params.json",
		Keys: []ceremony.KeySelect{{Label: hostileLabel}}, ValidTo: &v,
		SignerLabel: "s", Operators: hostileOperators, Out: out, ToolVersion: "test",
		Open: func() (ceremony.Token, error) { return hsm.Open(cfg()) },
	})
	require.NoError(t, err)
	in := Input{BundlePath: out, TranscriptPath: out + ceremony.TranscriptSuffix, Params: m.Data, ParamsPath: "params.json",
		Trusted: []verify.TrustedKey{{Public: pub, Source: "signer.pem"}}, ToolVersion: "test"}
	in.Bundle, err = os.ReadFile(in.BundlePath)
	require.NoError(t, err)
	in.Transcript, err = os.ReadFile(in.TranscriptPath)
	require.NoError(t, err)
	id, err := bundle.KeyID(pub)
	require.NoError(t, err)
	in.Trusted[0].KeyID = id
	return in
}

func pdftotext(t *testing.T, args ...string) string {
	t.Helper()
	_, err := exec.LookPath("pdftotext")
	require.NoError(t, err, "%v: install Debian's poppler-utils (scripts/setup.sh does)", err)
	out, err := exec.Command("pdftotext", args...).Output()
	require.NoError(t, err, "pdftotext %v", args)
	return string(out)
}

var (
	unescapedPipe = regexp.MustCompile(`(^|[^\\])\|`)
	wordBox       = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)"`)
	pageBox       = regexp.MustCompile(`<page width="([0-9.]+)"`)
)

// Hostile strings from a real ceremony: every table row of the Markdown twin
// keeps its two cells and no raw HTML, every word of the PDF (read back by
// pdftotext) stays inside the page margins, and both show each string in
// the same escaped form.
func TestHostileStringsKeepTheLayout(t *testing.T) {
	in := ceremonyOnSoftHSM(t)
	doc, err := Build(in)
	require.NoError(t, err)
	dir := t.TempDir()
	pdfPath, mdPath := filepath.Join(dir, "record.pdf"), filepath.Join(dir, "record.md")
	err = doc.Write(pdfPath, mdPath)
	require.NoError(t, err)
	md, err := os.ReadFile(mdPath)
	require.NoError(t, err)
	pdf, err := os.ReadFile(pdfPath)
	require.NoError(t, err)
	again, err := doc.PDF()
	if assert.NoError(t, err, "the same record rendered twice differs (err %v): the PDF must depend only on the files", err) {
		assert.Equal(t, pdf, again, "the same record rendered twice differs (err %v): the PDF must depend only on the files", err)
	}
	for i, l := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(l, "|") {
			n := len(unescapedPipe.FindAllString(" "+l, -1))
			assert.Equal(t, 3, n, "Markdown line %d has %d cell separators, want 3: %s", i+1, n, l)
		}
		rest := strings.NewReplacer("<code>", "", "</code>", "", `\<`, "").Replace(l)
		assert.NotContains(t, rest, "<", "Markdown line %d has raw HTML: %s", i+1, l)
	}
	text := strings.Join(strings.Fields(pdftotext(t, pdfPath, "-")), " ")
	for _, s := range append([]string{hostileLabel}, hostileOperators[:2]...) {
		shown := Shown(s)
		assert.True(t, bytes.Contains(md, []byte(mdEscape(shown))), "the Markdown twin lacks %s", mdEscape(shown))
		assert.Contains(t, text, shown, "the PDF's text lacks %s", shown)
	}
	assert.Contains(t, text, `"\u0141ukasz \"\u0416\" | *bold* <b>"`, "names not in the expected forms:\n%s", text)
	assert.Contains(t, text, "Zoë Ødegård", "names not in the expected forms:\n%s", text)
	bbox := pdftotext(t, "-bbox", pdfPath, "-")
	w, err := strconv.ParseFloat(pageBox.FindStringSubmatch(bbox)[1], 64)
	require.NoError(t, err)
	const marginPt = margin / 25.4 * 72
	words := wordBox.FindAllStringSubmatch(bbox, -1)
	require.GreaterOrEqual(t, len(words), 100, "pdftotext found %d words", len(words))
	for _, m := range words {
		x0, _ := strconv.ParseFloat(m[1], 64)
		x1, _ := strconv.ParseFloat(m[2], 64)
		assert.GreaterOrEqual(t, x0, marginPt-1, "a word runs outside the margins: x %.1f..%.1f on a %.1f-wide page", x0, x1, w)
		assert.LessOrEqual(t, x1, w-marginPt+1, "a word runs outside the margins: x %.1f..%.1f on a %.1f-wide page", x0, x1, w)
	}
}

// The outputs never replace a file: a second Write fails with
// atomicfile.ErrExists and neither existing file changes.
func TestWriteNeverReplaces(t *testing.T) {
	in := ceremonyOnSoftHSM(t)
	doc, err := Build(in)
	require.NoError(t, err)
	dir := t.TempDir()
	pdfPath, mdPath := filepath.Join(dir, "r.pdf"), filepath.Join(dir, "r.md")
	err = os.WriteFile(mdPath, []byte("mine"), 0o644)
	require.NoError(t, err)
	err = doc.Write(pdfPath, mdPath)
	require.ErrorIs(t, err, atomicfile.ErrExists, "err = %v, want atomicfile.ErrExists", err)
	_, err = os.Stat(pdfPath)
	require.ErrorIs(t, err, os.ErrNotExist, "the PDF appeared without its twin: %v", err)
	b, _ := os.ReadFile(mdPath)
	require.Equal(t, "mine", string(b), "the existing file changed: %q", b)
}

// Every one-byte change to the part of the transcript the signature covers
// (the bound line and every line before it) is refused, naming what failed.
func TestTamperedTranscriptRefused(t *testing.T) {
	in := ceremonyOnSoftHSM(t)
	_, err := Build(in)
	require.NoError(t, err)
	sum, err := transcript.CheckBundleFile(in.Transcript, in.Bundle)
	require.NoError(t, err)
	covered := 0
	for _, l := range splitLines(in.Transcript)[:sum.PayloadLine] {
		covered += len(l.raw) + 1
	}
	good := in.Transcript
	for i := 0; i < covered; i++ {
		in.Transcript = bytes.Clone(good)
		in.Transcript[i] ^= 0x01
		doc, err := Build(in)
		require.Nil(t, doc, "flip at byte %d (%q): doc %v, err %v", i, good[i], doc != nil, err)
		require.True(t, errors.Is(err, transcript.ErrBroken) || errors.Is(err, transcript.ErrMismatch) || errors.Is(err, transcript.ErrSteps), "flip at byte %d (%q): doc %v, err %v", i, good[i], doc != nil, err)
	}
}
