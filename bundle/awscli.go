package bundle

import (
	"math/big"
	"strings"
	"time"
)

// ParseAWSCLIParams parses what `aws kms get-parameters-for-import` prints:
// an object with exactly KeyId, ImportToken, PublicKey and ParametersValidTo.
// ParametersValidTo is an ISO 8601 / RFC 3339 string (AWS CLI v2) or a number
// of seconds since the Unix epoch, possibly with a fraction (AWS CLI v1).
// Whitespace is free: this is another program's output.
func ParseAWSCLIParams(data []byte) (*AWSCLIParams, error) {
	var p problems
	root, ok := parseTree(data, depthAWSCLI, &p)
	if !ok {
		return nil, p.err()
	}
	o := p.object("", root)
	out := &AWSCLIParams{
		KeyID:       o.text("KeyId", true, MaxARNLen),
		ImportToken: o.b64("ImportToken", true, 1, MaxImportTokenSize),
		PublicKey:   o.b64("PublicKey", true, 1, MaxPublicKeySize),
	}
	if n := o.field("ParametersValidTo", true); n != nil {
		out.ParametersValidTo = awsTime(&p, "ParametersValidTo", n)
	}
	o.done()
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func awsTime(p *problems, path string, n *node) time.Time {
	switch n.kind {
	case kindString:
		t, ok := parseTime(n.s)
		if !ok {
			p.add(path, "%s is not an ISO 8601 timestamp (e.g. 2026-06-30T00:00:00+00:00)", quoteShort(n.s))
		}
		return t
	case kindNumber:
		t, ok := epochTime(n.s)
		if !ok {
			p.add(path, "%s is not a number of seconds since 1970 (e.g. 1782777600 or 1782777600.123)", quoteShort(n.s))
		}
		return t
	}
	p.add(path, "want string or number, got %s", describe(n))
	return time.Time{}
}

// epochTime reads non-negative decimal seconds, at most nanosecond precision,
// without exponent, before the year 10000.
func epochTime(s string) (time.Time, bool) {
	if len(s) > 32 || strings.ContainsAny(s, "eE-+") {
		return time.Time{}, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 9 {
		return time.Time{}, false
	}
	sec, ok := new(big.Int).SetString(whole, 10)
	if !ok || sec.Cmp(big.NewInt(253402300799)) > 0 {
		return time.Time{}, false
	}
	var nsec int64
	if frac != "" {
		f, ok := new(big.Int).SetString(frac+strings.Repeat("0", 9-len(frac)), 10)
		if !ok {
			return time.Time{}, false
		}
		nsec = f.Int64()
	}
	return time.Unix(sec.Int64(), nsec).UTC(), true
}
