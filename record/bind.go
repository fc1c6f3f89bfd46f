package record

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/airwrap/airwrap/bundle"
)

// line is one transcript line: its bytes and its decoded fields.
type line struct {
	raw    []byte
	fields map[string]any
}

func (l line) str(name string) (string, bool) {
	s, ok := l.fields[name].(string)
	return s, ok
}

func (l line) list(name string) ([]string, bool) {
	v, ok := l.fields[name].([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(v))
	for _, x := range v {
		s, ok := x.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// boundLines splits a transcript whose chain has verified into lines and
// returns the index of the line whose SHA-256 is the payload's
// transcript_sha256: that line and those before it are what the signature
// covers.
//
// This is the minimal binding check the record needs; the transcript package
// is to own the full check (which steps may follow the bound line), and this
// one then gives way to it.
func boundLines(data []byte, transcriptSHA256 string) ([]line, int, error) {
	var lines []line
	bound := -1
	for i, raw := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		var f map[string]any
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, 0, fmt.Errorf("line %d: %w", i+1, err) // unreachable after transcript.Verify
		}
		lines = append(lines, line{raw: raw, fields: f})
		if bound < 0 && bundle.SHA256Hex(raw) == transcriptSHA256 {
			bound = i
		}
	}
	if bound < 0 {
		return nil, 0, fmt.Errorf("%w: the bundle's signed transcript_sha256 %s is the SHA-256 of no line of the transcript (%d lines)", ErrNotBound, transcriptSHA256, len(lines))
	}
	return lines, bound, nil
}
