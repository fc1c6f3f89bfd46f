package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each CLI owns one table from errors to hints (cmd/airwrap/errors.go,
// cmd/airwrap-online/errors.go): no library attaches advice of its own. So
// no non-test code declares a Hint() method (what the old hint-carrying
// errors had), a withHint or Hints function, or a hints table anywhere else.
func TestOneHintTablePerCLI(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		table := rel == "cmd/airwrap/errors.go" || rel == "cmd/airwrap-online/errors.go"
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				switch name := d.Name.Name; {
				case d.Recv != nil && name == "Hint":
					t.Errorf("%s: a Hint() method: put the hint in the CLI's table", rel)
				case d.Recv == nil && (name == "withHint" || name == "Hints"):
					t.Errorf("%s: func %s: put the hint in the CLI's table", rel, name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if v, ok := s.(*ast.ValueSpec); ok {
						for _, n := range v.Names {
							assert.False(t, strings.EqualFold(n.Name, "hints") && !table, "%s: var %s: the CLI's one table is in errors.go", rel, n.Name)
						}
					}
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
}
