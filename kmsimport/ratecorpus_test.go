package kmsimport_test

import (
	"errors"
	"math"
	"testing"

	"github.com/airwrap/airwrap/internal/testkit/corpus"
	"github.com/airwrap/airwrap/kmsimport"
)

func TestRateCorpus(t *testing.T) {
	for _, c := range corpus.Read(t, "testdata/flags/rate.txt") {
		_, err := kmsimport.ParseRate(c.In)
		switch {
		case c.Want == "" && err != nil:
			t.Errorf("%q: %v", c.In, err)
		case c.Want != "" && (!errors.Is(err, kmsimport.ErrUsage) || err.Error() != c.Want):
			t.Errorf("%q:\n got %v\nwant %s", c.In, err, c.Want)
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
			if !errors.Is(err, kmsimport.ErrUsage) {
				t.Fatalf("not ErrUsage: %v", err)
			}
			return
		}
		if !(v > 0) || math.IsInf(v, 0) || v > 1e6 {
			t.Fatalf("%q accepted as %v", s, v)
		}
	})
}
