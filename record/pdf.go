package record

import (
	"bytes"
	"fmt"

	"github.com/go-pdf/fpdf"
)

// Page geometry in millimetres (A4 portrait).
const (
	margin     = 15.0
	bottom     = 18.0 // room for the footer
	nameWidth  = 42.0
	valueWidth = 210 - 2*margin - nameWidth
	lineHeight = 4.6
	rowGap     = 1.4
	fillHeight = 9.0
)

// PDF renders the document on A4 with the PDF core fonts (Helvetica for
// text, Courier for digests). Text is wrapped to its column, so no value can
// run off the page; every page's footer carries the bundle's fingerprint and
// "page N of M". The output depends only on the document: the PDF's dates
// are the payload's created_at.
func (d *Document) PDF() ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, bottom)
	pdf.SetCreationDate(d.Created)
	pdf.SetModificationDate(d.Created)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(latin1(d.Title), false)
	pdf.SetCreator("airwrap record", false)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetXY(margin, -12)
		pdf.SetFont("Courier", "", 7)
		pdf.CellFormat(150, 4, latin1(d.Footer), "T", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 7)
		pdf.CellFormat(0, 4, fmt.Sprintf("page %d of {nb}", pdf.PageNo()), "T", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	r := &renderer{pdf: pdf}

	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 9, latin1(d.Title), "", 1, "L", false, 0, "")
	r.paragraph(d.Intro)
	for _, s := range d.Sections {
		r.heading(s.Title, lineHeight*3)
		for _, row := range s.Rows {
			r.row(row)
		}
	}
	r.heading("Signatures", 0)
	for i, name := range d.signers() {
		r.signature(signerTitle(i, name), signLinesFor(name))
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return b.Bytes(), nil
}

type renderer struct{ pdf *fpdf.Fpdf }

// room starts a new page unless h millimetres fit above the footer.
func (r *renderer) room(h float64) {
	_, pageH := r.pdf.GetPageSize()
	if r.pdf.GetY()+h > pageH-bottom {
		r.pdf.AddPage()
	}
}

// lines wraps text (a Shown string, UTF-8) to width in the given font.
func (r *renderer) lines(family, style string, size, width float64, text string) []string {
	r.pdf.SetFont(family, style, size)
	ls := r.pdf.SplitText(text, width)
	if len(ls) == 0 {
		ls = []string{""}
	}
	return ls
}

func (r *renderer) paragraph(text string) {
	ls := r.lines("Helvetica", "", 9, 0+210-2*margin, text)
	for _, l := range ls {
		r.room(lineHeight)
		r.pdf.CellFormat(0, lineHeight, latin1(l), "", 1, "L", false, 0, "")
	}
}

// heading keeps a section title with at least keep millimetres of its rows.
func (r *renderer) heading(title string, keep float64) {
	r.pdf.Ln(3)
	r.room(7 + keep)
	r.pdf.SetFont("Helvetica", "B", 11)
	r.pdf.CellFormat(0, 7, latin1(title), "B", 1, "L", false, 0, "")
	r.pdf.Ln(1)
}

func (r *renderer) row(row Row) {
	names := r.lines("Helvetica", "B", 8.5, nameWidth, row.Name)
	family, size := "Helvetica", 9.0
	if row.Mono {
		family, size = "Courier", 8.0
	}
	values := r.lines(family, "", size, valueWidth, row.Value)
	h := float64(max(len(names), len(values))) * lineHeight
	if row.Fill {
		h = max(h, fillHeight)
	}
	r.room(h + rowGap)
	x, y := r.pdf.GetXY()
	top := y
	if row.Fill { // the label sits on the line to write on
		top = y + h - float64(len(names))*lineHeight
	}
	r.pdf.SetFont("Helvetica", "B", 8.5)
	for i, l := range names {
		r.pdf.SetXY(x, top+float64(i)*lineHeight)
		r.pdf.CellFormat(nameWidth, lineHeight, latin1(l), "", 0, "L", false, 0, "")
	}
	if row.Fill {
		r.pdf.SetDrawColor(90, 90, 90)
		r.pdf.Line(x+nameWidth, y+h, x+nameWidth+valueWidth, y+h)
		r.pdf.SetDrawColor(0, 0, 0)
	} else {
		r.pdf.SetFont(family, "", size)
		for i, l := range values {
			r.pdf.SetXY(x+nameWidth, y+float64(i)*lineHeight)
			r.pdf.CellFormat(valueWidth, lineHeight, latin1(l), "", 0, "L", false, 0, "")
		}
	}
	r.pdf.SetXY(x, y+h+rowGap)
}

// signature draws one signer's block, kept on one page.
func (r *renderer) signature(title string, fill []string) {
	titles := r.lines("Helvetica", "B", 10, 210-2*margin, title)
	r.room(float64(len(titles))*lineHeight + float64(len(fill))*(fillHeight+rowGap) + 6)
	r.pdf.Ln(2)
	r.pdf.SetFont("Helvetica", "B", 10)
	for _, l := range titles {
		r.pdf.CellFormat(0, lineHeight+0.6, latin1(l), "", 1, "L", false, 0, "")
	}
	for _, f := range fill {
		r.row(Row{Name: f, Fill: true})
	}
}
