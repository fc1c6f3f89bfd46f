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

	"github.com/stretchr/testify/require"
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
	require.NoError(t, err)
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
		require.True(t, ok, "%s:%d: want \"input\"<TAB>\"exact error\"", path, n)
		require.NoError(t, err1, "%s:%d: want \"input\"<TAB>\"exact error\"", path, n)
		require.NoError(t, err2, "%s:%d: want \"input\"<TAB>\"exact error\"", path, n)
		out = append(out, Case{in, want})
	}
	err = sc.Err()
	require.NoError(t, err, "%s", path)
	require.NotEmpty(t, out, "%s: empty corpus", path)
	return out
}
