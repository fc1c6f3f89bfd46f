package bundle

import (
	"slices"
	"strings"
)

// CheckStrictJSON applies the common rules of SPEC.md section 1 to a JSON
// file that is not one of the formats of this package (a submit receipt):
// R1 size and UTF-8, R2 one value, R3 an object, R4 no duplicate key at any
// depth, R5 every key one of known for its place, compared byte for byte, and
// R7 at most maxDepth deep. known maps a shape ("" for the top-level object,
// "entries[]" for the objects of the array "entries") to its keys; an object
// whose shape is not in known is not checked for names. Every problem is
// reported at once, each a *FieldError (ErrMalformed).
func CheckStrictJSON(data []byte, maxDepth int, known map[string][]string) error {
	var p problems
	root, ok := parseTree(data, maxDepth, &p)
	if !ok {
		return p.err()
	}
	if root.kind != kindObject {
		p.add("", "want object, got %s", describe(root))
		return p.err()
	}
	checkNames(&p, "", "", root, known)
	return p.err()
}

func checkNames(p *problems, path, shape string, n *node, known map[string][]string) {
	switch n.kind {
	case kindObject:
		names, checked := known[shape]
		for _, m := range n.members {
			mp := joinPath(path, m.key)
			if checked && !slices.Contains(names, m.key) {
				hint := ""
				for _, k := range names {
					if strings.EqualFold(k, m.key) {
						hint = " (names are case-sensitive: did you mean \"" + k + "\"?)"
					}
				}
				p.add(mp, "unknown field%s", hint)
				continue
			}
			checkNames(p, mp, joinPath(shape, m.key), m.val, known)
		}
	case kindArray:
		for i, e := range n.elems {
			checkNames(p, indexPath(path, i), shape+"[]", e, known)
		}
	}
}
