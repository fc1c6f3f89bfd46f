package bundle

// checkCanonical records ErrNonCanonical when data is not exactly want.
func checkCanonical(p *problems, path string, data, want []byte) {
	if string(data) == string(want) {
		return
	}
	i := 0
	for i < len(data) && i < len(want) && data[i] == want[i] {
		i++
	}
	p.addErr(path, ErrNonCanonical, "not in canonical form (first difference at byte %d): airwrap writes these files byte for byte; do not edit or re-format them", i)
}
