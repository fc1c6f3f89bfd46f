package record

import (
	"bytes"
	"encoding/json"
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

// splitLines parses the lines of a transcript that transcript.CheckBundle
// has accepted (so every line is a JSON object).
func splitLines(data []byte) []line {
	var lines []line
	for _, raw := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		var f map[string]any
		_ = json.Unmarshal(raw, &f)
		lines = append(lines, line{raw: raw, fields: f})
	}
	return lines
}
