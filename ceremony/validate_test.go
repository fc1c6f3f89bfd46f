package ceremony

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now0 = time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)

func noOpen(t *testing.T) func() (Token, error) {
	return func() (Token, error) {
		t.Fatal("the token was opened although the request is invalid")
		return nil, nil
	}
}

func baseOptions(t *testing.T, data []byte) Options {
	dir := t.TempDir()
	v := now0.Add(30 * 24 * time.Hour)
	return Options{
		Params: data, ParamsPath: "params.json",
		Keys:        []KeySelect{{Label: "k1"}},
		ValidTo:     &v,
		SignerLabel: "signer",
		Out:         filepath.Join(dir, "import.json"),
		Now:         func() time.Time { return now0 },
		Open:        noOpen(t),
	}
}

func TestParseKeySelect(t *testing.T) {
	cases := map[string]KeySelect{
		"payments": {Label: "payments"},
		"arn:aws:kms:eu-west-1:111122223333:key/abc=payments": {ARN: "arn:aws:kms:eu-west-1:111122223333:key/abc", Label: "payments"},
		"a=b": {Label: "a=b"},
		"arn:aws:kms:eu-west-1:111122223333:key/abc": {Label: "arn:aws:kms:eu-west-1:111122223333:key/abc"},
	}
	for in, want := range cases {
		got := ParseKeySelect(in)
		assert.Equal(t, want, got, "ParseKeySelect(%q) = %+v, want %+v", in, got, want)
	}
}

// Every problem is reported at once, with its field path, and the HSM is never opened.
func TestValidateReportsEverything(t *testing.T) {
	m, err := ceremonytest.Params(now0.Add(-48*time.Hour),
		ceremonytest.Entry{},
		ceremonytest.Entry{KeySpec: "RSA_2048", WrappingAlgorithm: "RSAES_OAEP_SHA_256"},
		ceremonytest.Entry{KeySpec: "ECC_NIST_P521", WrappingAlgorithm: "RSAES_OAEP_SHA_256", ValidFor: 72 * time.Hour})
	require.NoError(t, err)
	o := baseOptions(t, m.Data)
	far := now0.AddDate(0, 0, 400)
	o.ValidTo = &far
	o.SignerLabel = ""
	o.Keys = []KeySelect{{ARN: m.ARNs[0], Label: "a"}, {ARN: "arn:aws:kms:eu-west-1:111122223333:key/nope", Label: "b"}}
	require.NoError(t, os.WriteFile(o.Out+TranscriptSuffix, nil, 0o600))
	_, err = Wrap(context.Background(), o)
	require.Error(t, err, "no error")
	for _, want := range []error{verify.ErrParamsExpired, kmsrules.ErrValidTo, kmsrules.ErrAlgorithmNotAllowed, kmsrules.ErrMaterialTooLarge, ErrKeySelection, ErrInvalidRequest, ErrOutputExists} {
		assert.ErrorIs(t, err, want, "missing %v in:\n", want)
	}
	msg := err.Error()
	for _, want := range []string{"entries[0]", "entries[1].wrapping_algorithm", "entries[2]", "--valid-to", "--signer", "key/nope", ".transcript.jsonl"} {
		assert.Contains(t, msg, want, "message lacks %q:\n%s", want, msg)
	}
}

func TestValidateKeySelection(t *testing.T) {
	one, err := ceremonytest.Params(now0)
	require.NoError(t, err)
	two, err := ceremonytest.Params(now0, ceremonytest.Entry{}, ceremonytest.Entry{})
	require.NoError(t, err)
	cases := []struct {
		name string
		data []byte
		keys []KeySelect
		want string
	}{
		{"none", one.Data, nil, "--key is required"},
		{"bare label, two entries", two.Data, []KeySelect{{Label: "x"}}, "use --key ARN=LABEL"},
		{"one entry missing", two.Data, []KeySelect{{ARN: two.ARNs[0], Label: "x"}}, "has no --key " + two.ARNs[1]},
		{"same ARN twice", two.Data, []KeySelect{{ARN: two.ARNs[0], Label: "x"}, {ARN: two.ARNs[0], Label: "y"}, {ARN: two.ARNs[1], Label: "z"}}, "names " + two.ARNs[0] + " twice"},
		{"two bare labels", one.Data, []KeySelect{{Label: "x"}, {Label: "y"}}, "give one --key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := baseOptions(t, c.data)
			o.Keys = c.keys
			_, err := Wrap(context.Background(), o)
			require.ErrorIs(t, err, ErrKeySelection, "err = %v, want ErrKeySelection mentioning %q", err, c.want)
			require.Contains(t, err.Error(), c.want, "err = %v, want ErrKeySelection mentioning %q", err, c.want)
		})
	}
}

func TestValidateAWSCLI(t *testing.T) {
	m, err := ceremonytest.AWSCLI(now0, ceremonytest.Entry{})
	require.NoError(t, err)
	o := baseOptions(t, m.Data)
	o.NoExpiry = true
	o.ValidTo = nil
	o.KeySpec = "RSA_2048"
	_, err = Wrap(context.Background(), o)
	require.ErrorIs(t, err, ErrInvalidRequest, "err = %v", err)
	require.Contains(t, err.Error(), "--wrapping-algorithm is required", "err = %v", err)
	o.WrappingAlgorithm = string(kmsrules.RSAESOAEPSHA1)
	_, err = Wrap(context.Background(), o)
	require.ErrorIs(t, err, kmsrules.ErrAlgorithmNotAllowed, "err = %v, want ErrAlgorithmNotAllowed", err)
}

func TestValidateExpiryChoice(t *testing.T) {
	m, err := ceremonytest.Params(now0)
	require.NoError(t, err)
	o := baseOptions(t, m.Data)
	o.ValidTo = nil
	_, err = Wrap(context.Background(), o)
	require.ErrorIs(t, err, ErrInvalidRequest, "neither: %v", err)
	require.Contains(t, err.Error(), "--no-expiry", "neither: %v", err)
	v := now0.Add(time.Hour)
	o.ValidTo, o.NoExpiry = &v, true
	_, err = Wrap(context.Background(), o)
	require.ErrorIs(t, err, ErrInvalidRequest, "both: %v", err)
	require.Contains(t, err.Error(), "exclude", "both: %v", err)
	past := now0.Add(-time.Minute)
	o.ValidTo, o.NoExpiry = &past, false
	_, err = Wrap(context.Background(), o)
	require.ErrorIs(t, err, kmsrules.ErrValidTo, "past")
}

func TestValidateNotParams(t *testing.T) {
	o := baseOptions(t, []byte(`{"hello":1}`))
	_, err := Wrap(context.Background(), o)
	require.ErrorIs(t, err, ErrInvalidRequest, "err =")
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"fileb://out/abc/ImportToken.bin": "fileb://out/abc/ImportToken.bin",
		"a b":                             "'a b'",
		"it's":                            `'it'\''s'`,
	} {
		got := shellQuote(in)
		assert.Equal(t, want, got, "shellQuote(%q) = %s, want %s", in, got, want)
	}
}

// An --allow-nonsensitive-key that names no --key label, or one named
// twice, is refused with the others before the token is opened.
func TestValidateAllowNonSensitive(t *testing.T) {
	m, err := ceremonytest.Params(now0)
	require.NoError(t, err)
	o := baseOptions(t, m.Data)
	o.AllowNonSensitive = []string{"k1", "typo", "k1"}
	_, err = Wrap(context.Background(), o)
	require.ErrorIs(t, err, ErrKeySelection, "err =")
	for _, want := range []string{`--allow-nonsensitive-key "typo" names no --key label`, `--allow-nonsensitive-key "k1" given twice`} {
		assert.Contains(t, err.Error(), want, "%v does not say %q", err, want)
	}
	o.AllowNonSensitive = []string{"k1"}
	o.Open = func() (Token, error) { return nil, errors.New("opened") }
	_, err = Wrap(context.Background(), o)
	require.Error(t, err, "a valid acceptance is not accepted: %v", err)
	require.EqualError(t, err, "opened", "a valid acceptance is not accepted: %v", err)
}

// CheckUsage is the one home of the choices `airwrap wrap` checks before it
// reads a file (the CLI's exit 2): every problem at once, each with its
// sentinel; Wrap meets the same rules before the token is opened.
func TestCheckUsage(t *testing.T) {
	v := now0.Add(time.Hour)
	o := Options{ValidTo: &v, NoExpiry: true, ParamsThreshold: 1, Open: noOpen(t)}
	err := o.CheckUsage()
	want := "--signer is required\n--out is required\n--key is required (LABEL for a single entry, ARN=LABEL for each entry)\n--valid-to and --no-expiry exclude each other\n--params-threshold needs --params-trust"
	require.Error(t, err, "CheckUsage:\n%v\nwant\n%s", err, want)
	require.EqualError(t, err, want, "CheckUsage:\n%v\nwant\n%s", err, want)
	require.ErrorIs(t, err, ErrInvalidRequest, "CheckUsage:\n%v\nwant\n%s", err, want)
	require.ErrorIs(t, err, ErrKeySelection, "CheckUsage:\n%v\nwant\n%s", err, want)
	_, err = Wrap(context.Background(), o)
	require.Error(t, err, "Wrap: %v", err)
	require.Contains(t, err.Error(), want, "Wrap: %v", err)
	o = Options{SignerLabel: "s", Out: "o", Keys: []KeySelect{{Label: "k"}}}
	err = o.CheckUsage()
	require.Error(t, err, "neither --valid-to nor --no-expiry: %v", err)
	require.EqualError(t, err, "give --valid-to DATE|TIME or --no-expiry", "neither --valid-to nor --no-expiry: %v", err)
	o.NoExpiry = true
	require.NoError(t, o.CheckUsage())
}
