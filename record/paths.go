package record

import (
	"path/filepath"
	"strings"
)

// MarkdownPath is where the Markdown twin of the record pdf goes by
// default: the PDF's name with .md.
func MarkdownPath(pdf string) string {
	return strings.TrimSuffix(pdf, filepath.Ext(pdf)) + ".md"
}
