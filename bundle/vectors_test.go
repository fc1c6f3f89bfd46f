package bundle

import (
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	testkeys "github.com/airwrap/airwrap/internal/testkit/keys"
)

// TestVectors runs every file in testdata/{params,awscli,payload,envelope}.
// A file with a sibling .err must fail with exactly that text; any other
// must parse (and, for envelopes, every signature must verify under the
// test keys). Canonical formats must re-marshal byte for byte.
func TestVectors(t *testing.T) {
	counts := map[string]int{}
	for _, dir := range []string{"params", "awscli", "payload", "envelope", "signedparams"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < 5 {
			t.Fatalf("testdata/%s: only %d vectors: regenerate with -update", dir, len(files))
		}
		for _, f := range files {
			counts[dir]++
			t.Run(dir+"/"+filepath.Base(f), func(t *testing.T) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				want := ""
				if b, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".err"); err == nil {
					want = strings.TrimSuffix(string(b), "\n")
				}
				valid := strings.HasPrefix(filepath.Base(f), "valid-")
				if valid == (want != "") {
					t.Fatalf("name says valid=%v but .err file present=%v", valid, want != "")
				}
				err = runVector(t, dir, data)
				if want == "" {
					if err != nil {
						t.Fatalf("want success, got:\n%v", err)
					}
					return
				}
				if err == nil {
					t.Fatalf("want error %q, got success", want)
				}
				if got := err.Error(); got != want {
					t.Fatalf("wrong error\n got: %s\nwant: %s", got, want)
				}
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrSignature) {
					t.Fatalf("error is neither ErrMalformed nor ErrSignature: %v", err)
				}
			})
		}
	}
	t.Logf("vectors: %v", counts)
}

func runVector(t *testing.T, dir string, data []byte) error {
	switch dir {
	case "params":
		p, err := ParseParams(data)
		if err != nil {
			return err
		}
		out, err := MarshalParams(p)
		if err != nil {
			t.Fatalf("marshal of a parsed params: %v", err)
		}
		q, err := ParseParams(out)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("params round trip differs: %v", err)
		}
	case "awscli":
		p, err := ParseAWSCLIParams(data)
		if err != nil {
			return err
		}
		if p.KeyID != arnSym || string(p.ImportToken) != string(tokenSym) || len(p.PublicKey) < 200 {
			t.Fatalf("awscli fields wrong: %+v", p)
		}
		want := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		if d := p.ParametersValidTo.Sub(want); d != 0 && d != 123*time.Millisecond {
			t.Fatalf("ParametersValidTo = %v", p.ParametersValidTo)
		}
		if Detect(data) != KindAWSCLI {
			t.Fatalf("Detect = %v", Detect(data))
		}
	case "payload":
		p, err := ParseImportPayload(data)
		if err != nil {
			return err
		}
		out, err := MarshalImportPayload(p)
		if err != nil || string(out) != string(data) {
			t.Fatalf("payload does not re-marshal byte for byte: %v", err)
		}
	case "envelope":
		env, err := ParseEnvelope(data)
		if err != nil {
			return err
		}
		out, err := MarshalEnvelope(env)
		if err != nil || string(out) != string(data) {
			t.Fatalf("envelope does not re-marshal byte for byte: %v", err)
		}
		if Detect(data) != KindImport {
			t.Fatalf("Detect = %v", Detect(data))
		}
		if err := verifyWithTestKeys(t, env); err != nil {
			return err
		}
		payload, _ := base64.StdEncoding.DecodeString(env.Payload)
		if _, err := ParseImportPayload(payload); err != nil {
			t.Fatalf("signed payload does not parse: %v", err)
		}
	case "signedparams":
		sp, err := ParseSignedParams(data)
		if err != nil {
			return err
		}
		out, err := MarshalEnvelope(sp.Envelope)
		if err != nil || string(out) != string(data) {
			t.Fatalf("signed params do not re-marshal byte for byte: %v", err)
		}
		if Detect(data) != KindSignedParams {
			t.Fatalf("Detect = %v", Detect(data))
		}
		if _, err := ParseParams(sp.Raw); err != nil {
			t.Fatalf("payload does not parse: %v", err)
		}
		return verifyWithTestKeys(t, sp.Envelope)
	}
	return nil
}

// verifyWithTestKeys checks every signature against the test key with its keyid.
func verifyWithTestKeys(t *testing.T, env *Envelope) error {
	keys := map[string]crypto.PublicKey{}
	for _, name := range testkeys.Signers {
		pub := testkeys.Signer(t, name).Public()
		id, err := KeyID(pub)
		if err != nil {
			t.Fatal(err)
		}
		keys[id] = pub
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for i, s := range env.Signatures {
		pub, ok := keys[s.KeyID]
		if !ok {
			t.Fatalf("signatures[%d]: keyid %s is not a test key", i, s.KeyID)
		}
		sig, _ := base64.StdEncoding.DecodeString(s.Sig)
		if err := VerifySignature(pub, env.PayloadType, payload, sig); err != nil {
			errs = append(errs, fmt.Errorf("signatures[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
