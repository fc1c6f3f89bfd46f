package kmsimport_test

import (
	"math"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/corpus"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateCorpus(t *testing.T) {
	for _, c := range corpus.Read(t, "testdata/flags/rate.txt") {
		_, err := kmsimport.ParseRate(c.In)
		if c.Want == "" {
			assert.NoError(t, err, "%q", c.In)
		} else if assert.ErrorIs(t, err, kmsimport.ErrUsage, "%q", c.In) {
			assert.Equal(t, c.Want, err.Error(), "%q", c.In)
		}
	}
}

// FuzzParseRate: no value panics; an accepted rate is positive, finite and
// at most 1e6/s (the pacer divides by it).
func FuzzParseRate(f *testing.F) {
	for _, c := range corpus.Read(f, "testdata/flags/rate.txt") {
		f.Add(c.In)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := kmsimport.ParseRate(s)
		if err != nil {
			require.ErrorIs(t, err, kmsimport.ErrUsage, "not ErrUsage: %v", err)
			return
		}
		require.True(t, v > 0, "%q accepted as %v", s, v)
		require.False(t, math.IsInf(v, 0), "%q accepted as %v", s, v)
		require.LessOrEqual(t, v, 1e6, "%q accepted as %v", s, v)
	})
}
