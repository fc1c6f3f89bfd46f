package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/stretchr/testify/require"
)

// TestSemanticCorpus: every file of testdata/params and testdata/import
// parses (the syntax is fine) and fails the semantic check with exactly its
// .err text, at the fixed moment now.
func TestSemanticCorpus(t *testing.T) {
	for dir, check := range map[string]func([]byte) (error, error){
		"params": func(b []byte) (error, error) {
			p, err := bundle.ParseParams(b)
			if err != nil {
				return err, nil
			}
			return nil, CheckParams(p, now)
		},
		"import": func(b []byte) (error, error) {
			p, err := bundle.ParseImportPayload(b)
			if err != nil {
				return err, nil
			}
			return nil, CheckImport(p, now)
		},
	} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		require.NoError(t, err, "testdata/%s: %d files (regenerate with -update)", dir, len(files))
		require.GreaterOrEqual(t, len(files), 5, "testdata/%s: %d files (regenerate with -update)", dir, len(files))
		for _, f := range files {
			t.Run(dir+"/"+filepath.Base(f), func(t *testing.T) {
				data, err := os.ReadFile(f)
				require.NoError(t, err)
				want, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".err")
				require.NoError(t, err)
				perr, cerr := check(data)
				require.NoError(t, perr, "does not parse")
				require.Error(t, cerr, "got  %v\nwant %s", cerr, want)
				require.Equal(t, strings.TrimSuffix(string(want), "\n"), cerr.Error(), "got  %v\nwant %s", cerr, want)
			})
		}
	}
}
