package kmsrules

import (
	"errors"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/corpus"
	"github.com/stretchr/testify/require"
)

func TestARNCorpus(t *testing.T) {
	for _, c := range corpus.Read(t, "testdata/arns.txt") {
		a, err := ParseARN(c.In)
		switch {
		case c.Want == "" && err != nil:
			t.Errorf("%q: %v", c.In, err)
		case c.Want == "" && a.String() != c.In:
			t.Errorf("%q: String() = %q", c.In, a.String())
		case c.Want != "" && (err == nil || !errors.Is(err, ErrARN) || err.Error() != c.Want):
			t.Errorf("%q:\n got %v\nwant %s", c.In, err, c.Want)
		}
	}
}

// FuzzParseARN: no input panics; an accepted ARN prints back as itself.
func FuzzParseARN(f *testing.F) {
	for _, c := range corpus.Read(f, "testdata/arns.txt") {
		f.Add(c.In)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseARN(s)
		if err != nil {
			require.ErrorIs(t, err, ErrARN, "not ErrARN: %v", err)
			return
		}
		require.Equal(t, s, a.String(), "accepted %q prints as %q", s, a.String())
	})
}
