package kmsrules

import (
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/corpus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestARNCorpus(t *testing.T) {
	for _, c := range corpus.Read(t, "testdata/arns.txt") {
		a, err := ParseARN(c.In)
		if c.Want == "" {
			if assert.NoError(t, err, "%q", c.In) {
				assert.Equal(t, c.In, a.String(), "%q: String()", c.In)
			}
		} else if assert.ErrorIs(t, err, ErrARN, "%q", c.In) {
			assert.Equal(t, c.Want, err.Error(), "%q", c.In)
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
