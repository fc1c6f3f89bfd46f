package kmsimport_test

import (
	"bufio"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
)

type quoted struct{ in, want string }

// readQuotedCorpus reads `"value"<TAB>"exact error"` lines, failing if none.
func readQuotedCorpus(t testing.TB, path string) []quoted {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []quoted
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		a, b, ok := strings.Cut(line, "\t")
		in, err1 := strconv.Unquote(a)
		want, err2 := strconv.Unquote(b)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("%s:%d: want \"value\"<TAB>\"error\"", path, n)
		}
		out = append(out, quoted{in, want})
	}
	if len(out) == 0 {
		t.Fatalf("%s: empty corpus", path)
	}
	return out
}

func TestRateCorpus(t *testing.T) {
	for _, c := range readQuotedCorpus(t, "testdata/flags/rate.txt") {
		_, err := kmsimport.ParseRate(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.want != "" && (!errors.Is(err, kmsimport.ErrUsage) || err.Error() != c.want):
			t.Errorf("%q:\n got %v\nwant %s", c.in, err, c.want)
		}
	}
}

// FuzzParseRate: no value panics; an accepted rate is positive, finite and
// at most 1e6/s (the pacer divides by it).
func FuzzParseRate(f *testing.F) {
	for _, c := range readQuotedCorpus(f, "testdata/flags/rate.txt") {
		f.Add(c.in)
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
