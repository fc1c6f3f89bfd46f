package main

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

type flagCase struct{ in, want string }

// readFlagCorpus reads `"value"<TAB>"exact error"` lines (Go-quoted, so
// control characters can be written), failing if there are none.
func readFlagCorpus(t testing.TB, name string) []flagCase {
	path := "testdata/flags/" + name
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []flagCase
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
		out = append(out, flagCase{in, want})
	}
	if len(out) == 0 {
		t.Fatalf("%s: empty corpus", path)
	}
	return out
}

// checkFlag: a bad value is bad usage (exit 2) with exactly the corpus text.
func checkFlag(t *testing.T, c flagCase, err error) {
	t.Helper()
	var u *usageError
	switch {
	case c.want == "" && err != nil:
		t.Errorf("%q: %v", c.in, err)
	case c.want != "" && (!errors.As(err, &u) || err.Error() != c.want):
		t.Errorf("%q:\n got %v\nwant %s", c.in, err, c.want)
	}
}

func TestFlagCorpus(t *testing.T) {
	for _, c := range readFlagCorpus(t, "valid-to.txt") {
		_, err := parseValidTo(c.in)
		checkFlag(t, c, err)
	}
	for _, c := range readFlagCorpus(t, "kwp-mechanism.txt") {
		_, err := parseMechanism(c.in)
		checkFlag(t, c, err)
	}
}

func FuzzValidToFlag(f *testing.F) {
	for _, c := range readFlagCorpus(f, "valid-to.txt") {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := parseValidTo(s); err != nil {
			var u *usageError
			if !errors.As(err, &u) {
				t.Fatalf("not a usage error: %v", err)
			}
		}
	})
}

func FuzzKWPMechanismFlag(f *testing.F) {
	for _, c := range readFlagCorpus(f, "kwp-mechanism.txt") {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseMechanism(s)
		if err != nil {
			var u *usageError
			if !errors.As(err, &u) {
				t.Fatalf("not a usage error: %v", err)
			}
			return
		}
		if s != "" && (v == 0 || v > 0xFFFFFFFF) {
			t.Fatalf("%q accepted as %d", s, v)
		}
	})
}
