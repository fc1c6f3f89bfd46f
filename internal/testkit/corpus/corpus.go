// Package corpus reads the hostile-input corpora kept as text in testdata:
// one `"input"<TAB>"exact error"` line per case, both Go-quoted so control
// characters can be written. For tests and fuzzers only.
package corpus

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Case is one line: an input and the exact error it must produce ("" for
// an input that must be accepted).
type Case struct{ In, Want string }

// Read reads the corpus at path, skipping blank and # lines; it fails the
// test on a malformed line and on an empty corpus (a fuzzer seeded from
// nothing proves nothing).
func Read(t testing.TB, path string) []Case {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Case
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
			t.Fatalf("%s:%d: want \"input\"<TAB>\"exact error\"", path, n)
		}
		out = append(out, Case{in, want})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: empty corpus", path)
	}
	return out
}
