package verify

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/corpus"
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
			if !errors.Is(err, ErrARN) {
				t.Fatalf("not ErrARN: %v", err)
			}
			return
		}
		if a.String() != s {
			t.Fatalf("accepted %q prints as %q", s, a.String())
		}
	})
}

// FuzzCheckParams: parameters that parse never make the semantic checks
// panic (seeded with the syntax vectors and the semantic corpus).
func FuzzCheckParams(f *testing.F) {
	n := 0
	for _, dir := range []string{"testdata/params", vectors + "/params"} {
		files, _ := filepath.Glob(dir + "/*.json")
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
		f.Fatal("empty seed corpus")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, err := bundle.ParseParams(data); err == nil {
			_ = CheckParams(p, now)
		}
	})
}
