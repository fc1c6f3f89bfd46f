package bundle

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// seed adds every vector of testdata/<dir> to f's corpus, failing if there
// are none (a silently empty seed corpus fuzzes nothing useful).
func seed(f *testing.F, dirs ...string) {
	n := 0
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		require.NoError(f, err)
		for _, file := range files {
			data, err := os.ReadFile(file)
			require.NoError(f, err)
			f.Add(data)
			n++
		}
	}
	require.NotZero(f, n, "empty seed corpus for %v: testdata missing?", dirs)
}

// malformedOnly checks that a parse error is ErrMalformed, as SPEC.md promises.
func malformedOnly(t *testing.T, err error) {
	require.ErrorIs(t, err, ErrMalformed, "parse error is not ErrMalformed: %v", err)
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
		require.NoError(t, err, "parsed params do not marshal")
		q, err := ParseParams(out)
		require.NoError(t, err, "parse(marshal(p)) != p")
		require.Equal(t, q, p, "parse(marshal(p)) != p: %v", err)
		again, _ := MarshalParams(q)
		require.Equal(t, again, out, "MarshalParams is not stable")
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
		require.False(t, p.ParametersValidTo.IsZero(), "accepted with an empty field: %+v", p)
		require.NotEmpty(t, p.ImportToken, "accepted with an empty field: %+v", p)
		require.NotEmpty(t, p.PublicKey, "accepted with an empty field: %+v", p)
		require.NotEmpty(t, p.KeyID, "accepted with an empty field: %+v", p)
		k := Detect(data)
		require.Equal(t, KindAWSCLI, k, "accepted AWS CLI JSON detected as %v", k)
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
		require.NoError(t, err, "accepted envelope does not re-marshal byte for byte")
		require.Equal(t, data, out, "accepted envelope does not re-marshal byte for byte: %v", err)
		k := Detect(data)
		require.Equal(t, KindImport, k, "accepted envelope detected as %v", k)
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
		require.NoError(t, err, "accepted payload does not re-marshal byte for byte")
		require.Equal(t, data, out, "accepted payload does not re-marshal byte for byte: %v", err)
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
		require.NoError(t, err, "accepted signed params do not re-marshal byte for byte")
		require.Equal(t, data, out, "accepted signed params do not re-marshal byte for byte: %v", err)
		k := Detect(data)
		require.Equal(t, KindSignedParams, k, "accepted signed params detected as %v", k)
		_, err = ParseParams(sp.Raw)
		require.NoError(t, err, "accepted signed params whose payload does not parse")
	})
}

// FuzzDecodeBase64: an accepted value is the one spelling of its bytes
// (SPEC.md R8), and DecodeBase64 is Go's strict decoder minus what Go lets
// through: line breaks. Seeded from r8Cases and their accepted neighbours.
func FuzzDecodeBase64(f *testing.F) {
	require.NotEmpty(f, r8Cases, "empty seed corpus: r8Cases")
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
			require.ErrorAs(t, err, &fe, "error without the field path: %v", err)
			require.Equal(t, "x", fe.Path, "error without the field path: %v", err)
			g, gerr := base64.StdEncoding.Strict().DecodeString(s)
			require.False(t, gerr == nil && !strings.ContainsAny(s, "\r\n"), "refused %q, which Go reads as %x without skipping a line break: %v", s, g, err)
			return
		}
		got := base64.StdEncoding.EncodeToString(b)
		require.Equal(t, s, got, "accepted %q, whose one spelling is %q", s, got)
	})
}
