package ceremony

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/airwrap/airwrap/kmsrules"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// realToken is a fresh SoftHSM token with a SYMMETRIC_DEFAULT key "k" and a
// signer "s"; it fails (never skips) without SoftHSM.
func realToken(t *testing.T) (open func() (Token, error), signerPub any) {
	t.Helper()
	st := softhsmtest.New(t)
	cfg := func() hsm.Config {
		return hsm.Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: HMACCheckInput()}
	}
	tok, err := hsm.Open(cfg())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := GenerateKey(tok, "k", "SYMMETRIC_DEFAULT"); err != nil {
		t.Fatal(err)
	}
	s, err := tok.GenerateSigner("s", "ECDSA_P256")
	if err != nil {
		t.Fatal(err)
	}
	signerPub = s.Public()
	if err := tok.Close(); err != nil {
		t.Fatal(err)
	}
	return func() (Token, error) {
		tk, err := hsm.Open(cfg())
		if err != nil {
			return nil, err
		}
		return tk, nil
	}, signerPub
}

func realOptions(t *testing.T, open func() (Token, error)) (Options, *ceremonytest.Made) {
	t.Helper()
	m, err := ceremonytest.Params(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	v := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	dir := t.TempDir()
	return Options{
		Params: m.Data, ParamsPath: "params.json",
		Keys: []KeySelect{{Label: "k"}}, ValidTo: &v,
		SignerLabel: "s", Operators: []string{"A. Officer"},
		Out: filepath.Join(dir, "import.json"), AWSCLIDir: filepath.Join(dir, "aws"),
		ToolVersion: "test", Open: open,
	}, m
}

func TestWrapOnSoftHSM(t *testing.T) {
	open, pub := realToken(t)
	o, m := realOptions(t, open)
	var progress bytes.Buffer
	o.Progress = &progress
	res, err := Wrap(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 4 || len(res.AWSCLICommands) != 1 {
		t.Fatalf("files %v, commands %v", res.Files, res.AWSCLICommands)
	}
	data, err := os.ReadFile(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	v, err := openBundle(data, []verify.TrustedKey{{Public: pub}}, 1, o.Params, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e := v.Payload.Entries[0]
	wa, err := kmsrules.ParseWrappingAlgorithm(e.WrappingAlgorithm)
	if err != nil {
		t.Fatal(err)
	}
	h := wa.Hash()
	if _, err := rsa.DecryptOAEP(h.New(), nil, m.Keys[0], e.EncryptedKeyMaterial, nil); err != nil {
		t.Fatalf("material does not unwrap with the wrapping key: %v", err)
	}
	tr, err := os.ReadFile(o.Out + TranscriptSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if err := transcript.Verify(tr); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(tr, []byte("\n")), []byte("\n"))
	bound := -1
	for i, l := range lines {
		if bundle.SHA256Hex(l) == v.Payload.TranscriptSHA256 {
			bound = i
		}
	}
	if bound < 0 || !bytes.Contains(lines[bound], []byte(`"step":"payload.built"`)) {
		t.Fatalf("transcript_sha256 does not bind the payload.built line")
	}
	if !bytes.Contains(lines[len(lines)-1], []byte(`"step":"signed"`)) {
		t.Fatalf("last transcript line is not the signature: %s", lines[len(lines)-1])
	}
	if !bytes.Contains(progress.Bytes(), []byte("wrapping 1/1")) {
		t.Fatalf("no progress line: %q", progress.String())
	}
}

// A file that appears after validation (another process racing) is never
// replaced, and the outputs this run had already linked are removed.
func TestWrapRaceLeavesNothing(t *testing.T) {
	open, _ := realToken(t)
	o, m := realOptions(t, nil)
	id := m.ARNs[0][len(m.ARNs[0])-36:]
	racer := filepath.Join(o.AWSCLIDir, id, ImportTokenFile)
	o.Open = func() (Token, error) {
		if err := os.MkdirAll(filepath.Dir(racer), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(racer, []byte("racer"), 0o600); err != nil {
			return nil, err
		}
		return open()
	}
	_, err := Wrap(context.Background(), o)
	if !errors.Is(err, ErrOutputExists) {
		t.Fatalf("err = %v, want ErrOutputExists", err)
	}
	for _, p := range []string{o.Out, o.Out + TranscriptSuffix, filepath.Join(o.AWSCLIDir, id, EncryptedKeyMaterialFile)} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind (%v)", p, err)
		}
	}
	if b, _ := os.ReadFile(racer); string(b) != "racer" {
		t.Fatalf("racing file replaced: %q", b)
	}
	ents, _ := os.ReadDir(filepath.Dir(o.Out))
	if len(ents) != 1 { // only aws/, holding the racer
		t.Fatalf("output dir holds %d entries", len(ents))
	}
}

// A failure after the keys were wrapped writes nothing, and the directories
// made for --awscli-dir are removed again.
func TestWrapFailureRemovesCreatedDirs(t *testing.T) {
	open, _ := realToken(t)
	o, _ := realOptions(t, nil)
	o.Open = func() (Token, error) {
		// The bundle path is taken between validation and writing.
		if err := os.WriteFile(o.Out, []byte("racer"), 0o600); err != nil {
			return nil, err
		}
		return open()
	}
	if _, err := Wrap(context.Background(), o); !errors.Is(err, ErrOutputExists) {
		t.Fatalf("err = %v, want ErrOutputExists", err)
	}
	ents, _ := os.ReadDir(filepath.Dir(o.Out))
	if len(ents) != 1 || ents[0].Name() != "import.json" {
		t.Fatalf("output dir holds %v, want only the racer's import.json", ents)
	}
}

func TestWrapCancelledBeforeHSM(t *testing.T) {
	o, _ := realOptions(t, noOpen(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Wrap(ctx, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// Side files without the bundle (a run killed between two links; the bundle
// is linked last) are refused with what happened and what to do, before the
// token is opened.
func TestWrapLeftoversOfInterruptedRun(t *testing.T) {
	o, _ := realOptions(t, noOpen(t))
	if err := os.WriteFile(o.Out+TranscriptSuffix, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Wrap(context.Background(), o)
	if !errors.Is(err, ErrOutputExists) || !strings.Contains(err.Error(), "an earlier run was interrupted") {
		t.Fatalf("err = %v, want ErrOutputExists naming the interrupted run", err)
	}
	// With the bundle present too, it is an ordinary existing output.
	if err := os.WriteFile(o.Out, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Wrap(context.Background(), o)
	if !errors.Is(err, ErrOutputExists) || strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v, want ErrOutputExists without the interrupted-run story", err)
	}
}
