package bundle

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// seed adds every vector of testdata/<dir> to f's corpus, failing if there
// are none (a silently empty seed corpus fuzzes nothing useful).
func seed(f *testing.F, dirs ...string) {
	n := 0
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
			n++
		}
	}
	if n == 0 {
		f.Fatalf("empty seed corpus for %v: testdata missing?", dirs)
	}
}

// malformedOnly checks that a parse error is ErrMalformed, as SPEC.md promises.
func malformedOnly(t *testing.T, err error) {
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("parse error is not ErrMalformed: %v", err)
	}
}

func FuzzParseParams(f *testing.F) {
	seed(f, "params")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseParams(data)
		if err != nil {
			malformedOnly(t, err)
			return
		}
		out, err := MarshalParams(p)
		if err != nil {
			t.Fatalf("parsed params do not marshal: %v", err)
		}
		q, err := ParseParams(out)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("parse(marshal(p)) != p: %v", err)
		}
		again, _ := MarshalParams(q)
		if !bytes.Equal(out, again) {
			t.Fatal("MarshalParams is not stable")
		}
		_ = Detect(data)
	})
}

func FuzzParseAWSCLIParams(f *testing.F) {
	seed(f, "awscli")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseAWSCLIParams(data)
		if err != nil {
			malformedOnly(t, err)
			return
		}
		if p.ParametersValidTo.IsZero() || len(p.ImportToken) == 0 || len(p.PublicKey) == 0 || p.KeyID == "" {
			t.Fatalf("accepted with an empty field: %+v", p)
		}
		if k := Detect(data); k != KindAWSCLI {
			t.Fatalf("accepted AWS CLI JSON detected as %v", k)
		}
	})
}

func FuzzParseEnvelope(f *testing.F) {
	seed(f, "envelope")
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := ParseEnvelope(data)
		if err != nil {
			malformedOnly(t, err)
			return
		}
		out, err := MarshalEnvelope(env)
		if err != nil || !bytes.Equal(out, data) {
			t.Fatalf("accepted envelope does not re-marshal byte for byte: %v", err)
		}
		if k := Detect(data); k != KindImport {
			t.Fatalf("accepted envelope detected as %v", k)
		}
	})
}

func FuzzParseImportPayload(f *testing.F) {
	seed(f, "payload")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseImportPayload(data)
		if err != nil {
			malformedOnly(t, err)
			return
		}
		out, err := MarshalImportPayload(p)
		if err != nil || !bytes.Equal(out, data) {
			t.Fatalf("accepted payload does not re-marshal byte for byte: %v", err)
		}
	})
}

func FuzzParseSignedParams(f *testing.F) {
	seed(f, "signedparams")
	f.Fuzz(func(t *testing.T, data []byte) {
		sp, err := ParseSignedParams(data)
		if err != nil {
			malformedOnly(t, err)
			return
		}
		out, err := MarshalEnvelope(sp.Envelope)
		if err != nil || !bytes.Equal(out, data) {
			t.Fatalf("accepted signed params do not re-marshal byte for byte: %v", err)
		}
		if k := Detect(data); k != KindSignedParams {
			t.Fatalf("accepted signed params detected as %v", k)
		}
		if _, err := ParseParams(sp.Raw); err != nil {
			t.Fatalf("accepted signed params whose payload does not parse: %v", err)
		}
	})
}

// FuzzDecodeBase64: an accepted value is the one spelling of its bytes
// (SPEC.md R8), and DecodeBase64 is Go's strict decoder minus what Go lets
// through: line breaks. Seeded from r8Cases and their accepted neighbours.
func FuzzDecodeBase64(f *testing.F) {
	if len(r8Cases) == 0 {
		f.Fatal("empty seed corpus: r8Cases")
	}
	for _, c := range r8Cases {
		f.Add(c.in)
	}
	f.Add("AAEC/+8=")
	f.Add("AAECAw==")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeBase64("x", s)
		if err != nil {
			malformedOnly(t, err)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Path != "x" {
				t.Fatalf("error without the field path: %v", err)
			}
			if g, gerr := base64.StdEncoding.Strict().DecodeString(s); gerr == nil && !strings.ContainsAny(s, "\r\n") {
				t.Fatalf("refused %q, which Go reads as %x without skipping a line break: %v", s, g, err)
			}
			return
		}
		if got := base64.StdEncoding.EncodeToString(b); got != s {
			t.Fatalf("accepted %q, whose one spelling is %q", s, got)
		}
	})
}
