package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// The strict JSON layer. A document is read token by token into a small tree
// that keeps every key exactly as written, so duplicate keys (at any depth),
// case-mismatched names, excess nesting and trailing data are all seen before
// any field is interpreted. encoding/json's struct decoding is never used on
// input: it matches names case-insensitively and keeps the last duplicate.

type nodeKind int

const (
	kindNull nodeKind = iota
	kindBool
	kindNumber
	kindString
	kindObject
	kindArray
)

func (k nodeKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "object", "array"}[k]
}

type member struct {
	key string
	val *node
}

type node struct {
	kind    nodeKind
	b       bool
	s       string // string value, or the number's text
	members []member
	elems   []*node
}

// parseTree reads exactly one JSON value from data, at most maxDepth
// objects/arrays deep. Recoverable problems (duplicate keys) go to p; a
// syntax error, excess depth or trailing data stops the parse and is
// returned (already recorded in p).
func parseTree(data []byte, maxDepth int, p *problems) (*node, bool) {
	switch {
	case len(data) > MaxFileSize:
		p.addErr("", ErrTooLarge, "larger than %d bytes", MaxFileSize)
		return nil, false
	case len(bytes.TrimSpace(data)) == 0:
		p.add("", "empty")
		return nil, false
	case !utf8.Valid(data):
		p.add("", "not valid UTF-8")
		return nil, false
	}
	t := &treeReader{dec: json.NewDecoder(bytes.NewReader(data)), max: maxDepth, p: p}
	t.dec.UseNumber()
	root, ok := t.value("", 0)
	if !ok {
		return nil, false
	}
	if _, err := t.dec.Token(); !errors.Is(err, io.EOF) {
		p.add("", "trailing data after the JSON value")
		return nil, false
	}
	return root, true
}

type treeReader struct {
	dec *json.Decoder
	max int
	p   *problems
}

func (t *treeReader) syntax(path string, err error) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		t.p.add(path, "invalid JSON at byte %d: %s", se.Offset, se.Error())
		return
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		t.p.add(path, "invalid JSON: unexpected end of input")
		return
	}
	t.p.add(path, "invalid JSON at byte %d: %s", t.dec.InputOffset(), err.Error())
}

func (t *treeReader) value(path string, depth int) (*node, bool) {
	tok, err := t.dec.Token()
	if err != nil {
		t.syntax(path, err)
		return nil, false
	}
	switch v := tok.(type) {
	case nil:
		return &node{kind: kindNull}, true
	case bool:
		return &node{kind: kindBool, b: v}, true
	case json.Number:
		return &node{kind: kindNumber, s: string(v)}, true
	case string:
		return &node{kind: kindString, s: v}, true
	case json.Delim:
		if depth >= t.max {
			t.p.add(path, "nested deeper than this format allows (depth %d)", t.max)
			return nil, false
		}
		if v == '{' {
			return t.object(path, depth+1)
		}
		return t.array(path, depth+1)
	}
	t.p.add(path, "invalid JSON token %v", tok)
	return nil, false
}

func (t *treeReader) object(path string, depth int) (*node, bool) {
	n := &node{kind: kindObject}
	seen := map[string]bool{}
	for t.dec.More() {
		tok, err := t.dec.Token()
		if err != nil {
			t.syntax(path, err)
			return nil, false
		}
		key, ok := tok.(string)
		if !ok {
			t.p.add(path, "invalid JSON: object key is not a string")
			return nil, false
		}
		kp := joinPath(path, key)
		val, ok := t.value(kp, depth)
		if !ok {
			return nil, false
		}
		if seen[key] {
			t.p.add(kp, "duplicate key")
			continue
		}
		seen[key] = true
		n.members = append(n.members, member{key, val})
	}
	if _, err := t.dec.Token(); err != nil { // the closing '}'
		t.syntax(path, err)
		return nil, false
	}
	return n, true
}

func (t *treeReader) array(path string, depth int) (*node, bool) {
	n := &node{kind: kindArray}
	for i := 0; t.dec.More(); i++ {
		val, ok := t.value(indexPath(path, i), depth)
		if !ok {
			return nil, false
		}
		n.elems = append(n.elems, val)
	}
	if _, err := t.dec.Token(); err != nil { // the closing ']'
		t.syntax(path, err)
		return nil, false
	}
	return n, true
}

// describe names a node's kind for "want X, got Y" messages.
func describe(n *node) string {
	if n == nil {
		return "nothing"
	}
	return n.kind.String()
}
