package record

import (
	"bytes"
	"fmt"
)

// fillLine is what a blank to fill by hand looks like in the Markdown twin.
const fillLine = "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_"

// Markdown renders the document as CommonMark with GitHub tables. Every
// value is escaped (mdEscape), so a value cannot open a link, emphasis,
// HTML or a new cell.
func (d *Document) Markdown() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n%s\n", d.Title, mdEscape(d.Intro))
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "\n## %s\n\n| | |\n| --- | --- |\n", mdEscape(s.Title))
		for _, r := range s.Rows {
			v := mdEscape(r.Value)
			switch {
			case r.Fill:
				v = fillLine
			case r.Mono:
				v = "<code>" + v + "</code>"
			}
			fmt.Fprintf(&b, "| %s | %s |\n", mdEscape(r.Name), v)
		}
	}
	fmt.Fprintf(&b, "\n## Signatures\n\n")
	for i, name := range d.signers() {
		fmt.Fprintf(&b, "| %s | |\n| --- | --- |\n", mdEscape(signerTitle(i, name)))
		for _, l := range signLinesFor(name) {
			fmt.Fprintf(&b, "| %s | %s |\n", mdEscape(l), fillLine)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s\n", mdEscape(d.Footer))
	return b.Bytes()
}

// signLines are what each signer writes by hand; a block for someone the
// bundle does not name also asks for the name.
var signLines = []string{"Role (officer or witness)", "Signature", "Date"}

func signLinesFor(name string) []string {
	if name == "" {
		return append([]string{"Name"}, signLines...)
	}
	return signLines
}

// signers is one signature block per operator recorded, and at least two.
func (d *Document) signers() []string {
	out := append([]string{}, d.Signers...)
	for len(out) < 2 {
		out = append(out, "")
	}
	return out
}

func signerTitle(i int, name string) string {
	if name == "" {
		return fmt.Sprintf("Signer %d (not recorded in the bundle)", i+1)
	}
	return fmt.Sprintf("Signer %d: %s", i+1, name)
}
