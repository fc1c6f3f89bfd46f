package verify

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/bundle"
)

type quotedCase struct{ in, want string }

// readQuoted reads a corpus of `"input"<TAB>"exact error"` lines (Go-quoted,
// so control characters can be written), failing if it is empty.
func readQuoted(t testing.TB, path string) []quotedCase {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []quotedCase
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
			t.Fatalf("%s:%d: want \"input\"<TAB>\"error\"", path, n)
		}
		out = append(out, quotedCase{in, want})
	}
	if len(out) == 0 {
		t.Fatalf("%s: empty corpus", path)
	}
	return out
}

func TestARNCorpus(t *testing.T) {
	for _, c := range readQuoted(t, "testdata/arns.txt") {
		a, err := ParseARN(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.want == "" && a.String() != c.in:
			t.Errorf("%q: String() = %q", c.in, a.String())
		case c.want != "" && (err == nil || !errors.Is(err, ErrARN) || err.Error() != c.want):
			t.Errorf("%q:\n got %v\nwant %s", c.in, err, c.want)
		}
	}
}

// FuzzParseARN: no input panics; an accepted ARN prints back as itself.
func FuzzParseARN(f *testing.F) {
	for _, c := range readQuoted(f, "testdata/arns.txt") {
		f.Add(c.in)
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
