package bundle

// checkCanonical requires a file that parsed without problems to be exactly
// its own re-encoding (encode), recording ErrNonCanonical where it is not.
// After other problems it does nothing: the file is refused already.
func checkCanonical(p *problems, data []byte, encode func() ([]byte, error)) {
	if len(p.errs) > 0 {
		return
	}
	want, err := encode()
	if err != nil {
		p.add("", "cannot re-encode: %v", err)
		return
	}
	if string(data) == string(want) {
		return
	}
	i := 0
	for i < len(data) && i < len(want) && data[i] == want[i] {
		i++
	}
	p.addErr("", ErrNonCanonical, "not in canonical form (first difference at byte %d): airwrap writes these files byte for byte; do not edit or re-format them", i)
}
