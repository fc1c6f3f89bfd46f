package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docs/HOSTILE-INPUT.md lists every corpus file with its exact error: a new
// vector that is not in the table fails here (regenerate the appendix).
func TestHostileInputDocListsEveryCorpusFile(t *testing.T) {
	doc, err := os.ReadFile("../docs/HOSTILE-INPUT.md")
	require.NoError(t, err)
	n := 0
	for _, pattern := range []string{
		"../bundle/testdata/*/invalid-*.json",
		"testdata/params/invalid-*.json", "testdata/import/invalid-*.json", "testdata/trust/invalid-*.pem",
		"../kmsimport/testdata/receipt/invalid-*.json",
	} {
		files, err := filepath.Glob(pattern)
		require.NoError(t, err)
		for _, f := range files {
			n++
			rel := strings.TrimPrefix(f, "../")
			if !strings.HasPrefix(f, "../") {
				rel = "verify/" + f
			}
			want, err := os.ReadFile(strings.TrimSuffix(strings.TrimSuffix(f, ".json"), ".pem") + ".err")
			require.NoError(t, err)
			row := "| `" + rel + "` | " + strings.ReplaceAll(strings.ReplaceAll(strings.TrimSuffix(string(want), "\n"), "|", `\|`), "\n", " ⏎ ") + " |"
			assert.Contains(t, string(doc), row, "docs/HOSTILE-INPUT.md lacks the row for %s:\n%s", rel, row)
		}
	}
	require.GreaterOrEqual(t, n, 100, "only %d corpus files found", n)
}
