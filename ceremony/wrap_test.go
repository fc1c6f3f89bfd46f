package ceremony

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	require.NoError(t, err)
	_, err = GenerateKey(tok, "k", "SYMMETRIC_DEFAULT")
	require.NoError(t, err)
	s, err := tok.GenerateSigner("s", "ECDSA_P256")
	require.NoError(t, err)
	signerPub = s.Public()
	require.NoError(t, tok.Close())
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
	require.NoError(t, err)
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
	require.NoError(t, err)
	require.Len(t, res.Files, 4, "files %v, commands %v", res.Files, res.AWSCLICommands)
	require.Len(t, res.AWSCLICommands, 1, "files %v, commands %v", res.Files, res.AWSCLICommands)
	data, err := os.ReadFile(o.Out)
	require.NoError(t, err)
	v, err := openBundle(data, []verify.TrustedKey{{Public: pub}}, 1, o.Params, nil, time.Now())
	require.NoError(t, err)
	e := v.Payload.Entries[0]
	wa, err := kmsrules.ParseWrappingAlgorithm(e.WrappingAlgorithm)
	require.NoError(t, err)
	h := wa.Hash()
	_, err = rsa.DecryptOAEP(h.New(), nil, m.Keys[0], e.EncryptedKeyMaterial, nil)
	require.NoError(t, err, "material does not unwrap with the wrapping key")
	tr, err := os.ReadFile(o.Out + TranscriptSuffix)
	require.NoError(t, err)
	require.NoError(t, transcript.Verify(tr))
	lines := bytes.Split(bytes.TrimSuffix(tr, []byte("\n")), []byte("\n"))
	bound := -1
	for i, l := range lines {
		if bundle.SHA256Hex(l) == v.Payload.TranscriptSHA256 {
			bound = i
		}
	}
	require.GreaterOrEqual(t, bound, 0, "transcript_sha256 does not bind the payload.built line")
	require.True(t, bytes.Contains(lines[bound], []byte(`"step":"payload.built"`)), "transcript_sha256 does not bind the payload.built line")
	require.True(t, bytes.Contains(lines[len(lines)-1], []byte(`"step":"signed"`)), "last transcript line is not the signature: %s", lines[len(lines)-1])
	require.True(t, bytes.Contains(progress.Bytes(), []byte("wrapping 1/1")), "no progress line: %q", progress.String())
}

// A file that appears after validation (another process racing) is never
// replaced, and the outputs this run had already linked are removed.
func TestWrapRaceLeavesNothing(t *testing.T) {
	open, _ := realToken(t)
	o, m := realOptions(t, nil)
	id := m.ARNs[0][len(m.ARNs[0])-36:]
	region := strings.Split(m.ARNs[0], ":")[3]
	racer := filepath.Join(o.AWSCLIDir, region, id, ImportTokenFile)
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
	require.ErrorIs(t, err, ErrOutputExists, "err = %v, want ErrOutputExists", err)
	for _, p := range []string{o.Out, o.Out + TranscriptSuffix, filepath.Join(o.AWSCLIDir, region, id, EncryptedKeyMaterialFile)} {
		_, err := os.Lstat(p)
		assert.ErrorIs(t, err, os.ErrNotExist, "%s left behind (%v)", p, err)
	}
	b, _ := os.ReadFile(racer)
	require.Equal(t, "racer", string(b), "racing file replaced: %q", b)
	ents, _ := os.ReadDir(filepath.Dir(o.Out))
	require.Len(t, ents, 1, "output dir holds %d entries", len(ents)) // only aws/, holding the racer
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
	_, err := Wrap(context.Background(), o)
	require.ErrorIs(t, err, ErrOutputExists, "err = %v, want ErrOutputExists", err)
	ents, _ := os.ReadDir(filepath.Dir(o.Out))
	require.Len(t, ents, 1, "output dir holds %v, want only the racer's import.json", ents)
	require.Equal(t, "import.json", ents[0].Name(), "output dir holds %v, want only the racer's import.json", ents)
}

func TestWrapCancelledBeforeHSM(t *testing.T) {
	o, _ := realOptions(t, noOpen(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Wrap(ctx, o)
	require.ErrorIs(t, err, context.Canceled, "err =")
}

// Side files without the bundle (a run killed between two links; the bundle
// is linked last) are refused with what happened and what to do, before the
// token is opened.
func TestWrapLeftoversOfInterruptedRun(t *testing.T) {
	o, _ := realOptions(t, noOpen(t))
	require.NoError(t, os.WriteFile(o.Out+TranscriptSuffix, []byte("{}\n"), 0o600))
	_, err := Wrap(context.Background(), o)
	require.ErrorIs(t, err, ErrOutputExists, "err = %v, want ErrOutputExists naming the interrupted run", err)
	require.Contains(t, err.Error(), "an earlier run was interrupted", "err = %v, want ErrOutputExists naming the interrupted run", err)
	// With the bundle present too, it is an ordinary existing output.
	require.NoError(t, os.WriteFile(o.Out, []byte("{}"), 0o600))
	_, err = Wrap(context.Background(), o)
	require.ErrorIs(t, err, ErrOutputExists, "err = %v, want ErrOutputExists without the interrupted-run story", err)
	require.NotContains(t, err.Error(), "interrupted", "err = %v, want ErrOutputExists without the interrupted-run story", err)
}

// noSeparateMAC is a real token whose MAC fails the test: the ceremony must
// make an HMAC key's proof with the wrap (WrapMAC), under one check of the key.
type noSeparateMAC struct {
	*hsm.Token
	t *testing.T
}

func (n noSeparateMAC) MAC(*hsm.Key, crypto.Hash, []byte) ([]byte, error) {
	n.t.Error("the ceremony called MAC for the proof; want it made with the wrap (WrapMAC)")
	return nil, errors.New("MAC called")
}

// TestWrapHMACProofWithTheWrap: an HMAC key's proof (the MAC of a
// challenge) is made in the same step as its wrap, on SoftHSM, and is the
// HMAC Go computes with the material the wrap carried.
func TestWrapHMACProofWithTheWrap(t *testing.T) {
	st := softhsmtest.New(t)
	cfg := func() hsm.Config {
		return hsm.Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: HMACCheckInput()}
	}
	tok, err := hsm.Open(cfg())
	require.NoError(t, err)
	_, err = GenerateKey(tok, "mac", "HMAC_256")
	require.NoError(t, err)
	s, err := tok.GenerateSigner("s", "ECDSA_P256")
	require.NoError(t, err)
	require.NoError(t, tok.Close())
	m, err := ceremonytest.Params(time.Now(), ceremonytest.Entry{KeySpec: "HMAC_256"})
	require.NoError(t, err)
	o, _ := realOptions(t, func() (Token, error) {
		tk, err := hsm.Open(cfg())
		if err != nil {
			return nil, err
		}
		return noSeparateMAC{tk, t}, nil
	})
	o.Params, o.Keys, o.AWSCLIDir = m.Data, []KeySelect{{Label: "mac"}}, ""
	_, err = Wrap(context.Background(), o)
	require.NoError(t, err)
	data, err := os.ReadFile(o.Out)
	require.NoError(t, err)
	v, err := openBundle(data, []verify.TrustedKey{{Public: s.Public()}}, 1, o.Params, nil, time.Now())
	require.NoError(t, err)
	e := v.Payload.Entries[0]
	wa, err := kmsrules.ParseWrappingAlgorithm(e.WrappingAlgorithm)
	require.NoError(t, err)
	material, err := rsa.DecryptOAEP(wa.Hash().New(), nil, m.Keys[0], e.EncryptedKeyMaterial, nil)
	require.NoError(t, err)
	h := hmac.New(sha256.New, material)
	h.Write(e.Proof.Challenge)
	require.Len(t, e.Proof.Challenge, challengeLen)
	require.Equal(t, h.Sum(nil), e.Proof.MAC, "the proof is not the HMAC of the challenge with the wrapped material")
}
