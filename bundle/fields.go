package bundle

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// obj reads the fields of one JSON object, recording every problem with its
// path. A nil node (wrong type, missing) yields zero values silently: the
// problem was recorded once where it was found.
type obj struct {
	p     *problems
	path  string
	n     *node
	known []string
}

func (p *problems) object(path string, n *node) *obj {
	if n != nil && n.kind != kindObject {
		p.add(path, "want object, got %s", describe(n))
		n = nil
	}
	return &obj{p: p, path: path, n: n}
}

// field returns the member called exactly name (names are case-sensitive).
func (o *obj) field(name string, required bool) *node {
	o.known = append(o.known, name)
	if o.n == nil {
		return nil
	}
	for _, m := range o.n.members {
		if m.key == name {
			return m.val
		}
	}
	if required {
		o.p.add(joinPath(o.path, name), "missing")
	}
	return nil
}

// done reports every member that no field asked for.
func (o *obj) done() {
	if o.n == nil {
		return
	}
	for _, m := range o.n.members {
		if slices.Contains(o.known, m.key) {
			continue
		}
		hint := ""
		for _, k := range o.known {
			if strings.EqualFold(k, m.key) {
				hint = fmt.Sprintf(" (names are case-sensitive: did you mean %q?)", k)
				break
			}
		}
		o.p.add(joinPath(o.path, m.key), "unknown field%s", hint)
	}
}

func (o *obj) typed(name string, required bool, want nodeKind) (*node, string) {
	n := o.field(name, required)
	path := joinPath(o.path, name)
	if n != nil && n.kind != want {
		o.p.add(path, "want %s, got %s", want, describe(n))
		return nil, path
	}
	return n, path
}

// printable reports whether s has only graphic characters and spaces.
func printable(s string) bool {
	for _, r := range s {
		if r != ' ' && !unicode.IsGraphic(r) {
			return false
		}
	}
	return true
}

// text reads a string of 1..max bytes (0..max when optional) of printable characters.
func (o *obj) text(name string, required bool, max int) string {
	n, path := o.typed(name, required, kindString)
	if n == nil {
		return ""
	}
	switch {
	case n.s == "" && required:
		o.p.add(path, "empty")
	case len(n.s) > max:
		o.p.add(path, "longer than %d bytes", max)
	case !printable(n.s):
		o.p.add(path, "contains a control or non-printable character")
	}
	return n.s
}

// enum reads a string that must be one of allowed.
func (o *obj) enum(name string, required bool, allowed ...string) string {
	n, path := o.typed(name, required, kindString)
	if n == nil {
		return ""
	}
	if !slices.Contains(allowed, n.s) {
		o.p.add(path, "%s is not one of %s", quoteShort(n.s), strings.Join(allowed, ", "))
	}
	return n.s
}

// b64 reads standard, padded base64 (SPEC.md R8, DecodeBase64) of min..max decoded bytes.
func (o *obj) b64(name string, required bool, min, max int) []byte {
	n, path := o.typed(name, required, kindString)
	if n == nil {
		return nil
	}
	return decodeB64(o.p, path, n.s, min, max)
}

func decodeB64(p *problems, path, s string, min, max int) []byte {
	if base64.StdEncoding.DecodedLen(len(s)) > max+3 {
		p.add(path, "longer than %d bytes", max)
		return nil
	}
	b, msg := decodeStrict(s)
	if msg != "" {
		p.add(path, "%s", msg)
		return nil
	}
	if len(b) < min || len(b) > max {
		p.add(path, "%d bytes, want %d to %d", len(b), min, max)
		return nil
	}
	return b
}

// hexString reads lowercase hex of exactly size characters (size 0: any even
// length up to max characters, at least 2).
func (o *obj) hexString(name string, required bool, size, max int) string {
	n, path := o.typed(name, required, kindString)
	if n == nil {
		return ""
	}
	s := n.s
	ok := len(s) > 0 && len(s)%2 == 0 && strings.Trim(s, "0123456789abcdef") == ""
	switch {
	case size > 0 && (len(s) != size || !ok):
		o.p.add(path, "want %d lowercase hex characters", size)
	case size == 0 && (len(s) > max || !ok):
		o.p.add(path, "want lowercase hex, an even number of characters, at most %d", max)
	}
	return s
}

// textOrEmpty reads a required string of 0..max bytes of printable characters.
func (o *obj) textOrEmpty(name string, max int) string {
	n, path := o.typed(name, true, kindString)
	if n == nil {
		return ""
	}
	switch {
	case len(n.s) > max:
		o.p.add(path, "longer than %d bytes", max)
	case !printable(n.s):
		o.p.add(path, "contains a control or non-printable character")
	}
	return n.s
}

// hexOrEmpty reads a required string of lowercase hex, an even number of
// characters up to max, or "" for none.
func (o *obj) hexOrEmpty(name string, max int) string {
	n, path := o.typed(name, true, kindString)
	if n == nil {
		return ""
	}
	if n.s != "" && (len(n.s) > max || len(n.s)%2 != 0 || strings.Trim(n.s, "0123456789abcdef") != "") {
		o.p.add(path, "want lowercase hex, an even number of characters, at most %d, or \"\" for none", max)
	}
	return n.s
}

// timestamp reads an RFC 3339 timestamp.
func (o *obj) timestamp(name string, required bool) *time.Time {
	n, path := o.typed(name, required, kindString)
	if n == nil {
		return nil
	}
	t, ok := parseTime(n.s)
	if !ok {
		o.p.add(path, "%s is not an RFC 3339 timestamp (e.g. 2026-06-30T00:00:00Z)", quoteShort(n.s))
		return nil
	}
	return &t
}

func parseTime(s string) (time.Time, bool) {
	if len(s) > 40 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// formatTime is the canonical timestamp: UTC, RFC 3339, nanoseconds only if
// not zero, trailing zeros trimmed.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (o *obj) boolean(name string, required bool) bool {
	n, _ := o.typed(name, required, kindBool)
	return n != nil && n.b
}

// array reads an array of min..max elements.
func (o *obj) array(name string, required bool, min, max int) ([]*node, string) {
	n, path := o.typed(name, required, kindArray)
	if n == nil {
		return nil, path
	}
	if len(n.elems) < min || len(n.elems) > max {
		o.p.add(path, "%d elements, want %d to %d", len(n.elems), min, max)
	}
	if len(n.elems) > max {
		return nil, path
	}
	return n.elems, path
}

// textList reads an array of min..max strings, each 1..maxLen bytes of
// printable characters; it returns the good ones (never nil).
func (o *obj) textList(name string, required bool, min, max, maxLen int) []string {
	elems, path := o.array(name, required, min, max)
	out := []string{}
	for i, e := range elems {
		ep := indexPath(path, i)
		switch {
		case e.kind != kindString:
			o.p.add(ep, "want string, got %s", describe(e))
		case e.s == "" || len(e.s) > maxLen:
			o.p.add(ep, "want 1 to %d bytes", maxLen)
		case !printable(e.s):
			o.p.add(ep, "contains a control or non-printable character")
		default:
			out = append(out, e.s)
		}
	}
	return out
}

// child reads a nested object.
func (o *obj) child(name string, required bool) *obj {
	n := o.field(name, required)
	return o.p.object(joinPath(o.path, name), n)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
