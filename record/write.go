package record

import (
	"fmt"

	"github.com/airwrap/airwrap/atomicfile"
)

// outputPerm: a record holds no secret.
const outputPerm = 0o644

// Write writes the PDF and the Markdown twin: both appear, or neither, and
// neither replaces an existing file (atomicfile.ErrExists).
func (d *Document) Write(pdfPath, mdPath string) error {
	pdf, err := d.PDF()
	if err != nil {
		return err
	}
	var s atomicfile.Staged
	s.Add(pdfPath, pdf, outputPerm)
	s.Add(mdPath, d.Markdown(), outputPerm)
	if err := s.Commit(); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	return nil
}
