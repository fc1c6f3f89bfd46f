// Package transcripttest alters transcripts the way an attacker could, for
// tests of the readers: raw edits that break the chain, and edits followed by
// a recomputed chain (anyone can recompute SHA-256), which only the bundle's
// transcript_sha256 and the after-signing rules can catch.
package transcripttest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// Tamper applies op to a transcript:
//
//	edit N            change one character of line N's step name (chain broken)
//	delete N          remove line N (chain broken)
//	swap N M          exchange lines N and M (chain broken)
//	append STEP       add a line with STEP and a recomputed chain
//	rechain-delete N  remove line N, then recompute seq and prev of every line
//
// Lines count from 1; a negative N counts from the end (-1 is the last line).
func Tamper(data []byte, op string, args ...string) ([]byte, error) {
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	idx := func(i int) (int, error) {
		if i >= len(args) {
			return 0, fmt.Errorf("%s: missing argument", op)
		}
		n, err := strconv.Atoi(args[i])
		if err != nil {
			return 0, err
		}
		if n < 0 {
			n = len(lines) + 1 + n
		}
		if n < 1 || n > len(lines) {
			return 0, fmt.Errorf("%s: no line %s", op, args[i])
		}
		return n - 1, nil
	}
	switch op {
	case "edit":
		n, err := idx(0)
		if err != nil {
			return nil, err
		}
		i := bytes.Index(lines[n], []byte(`"step":"`))
		if i < 0 {
			return nil, fmt.Errorf("line %d has no step", n+1)
		}
		lines[n] = bytes.Clone(lines[n])
		lines[n][i+8] ^= 0x20 // upper/lower case of the step's first letter
	case "delete", "rechain-delete":
		n, err := idx(0)
		if err != nil {
			return nil, err
		}
		lines = append(lines[:n:n], lines[n+1:]...)
		if op == "rechain-delete" {
			if lines, err = rechain(lines); err != nil {
				return nil, err
			}
		}
	case "swap":
		n, err := idx(0)
		if err != nil {
			return nil, err
		}
		m, err := idx(1)
		if err != nil {
			return nil, err
		}
		lines[n], lines[m] = lines[m], lines[n]
	case "append":
		if len(args) != 1 {
			return nil, fmt.Errorf("append STEP")
		}
		lines = append(lines, []byte(fmt.Sprintf(`{"seq":0,"time":"2026-11-28T02:00:00Z","step":%q,"prev":""}`, args[0])))
		var err error
		if lines, err = rechain(lines); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown operation %q", op)
	}
	return append(bytes.Join(lines, []byte("\n")), '\n'), nil
}

// rechain rewrites seq and prev of every line so the chain holds again,
// keeping every other field and the field order.
func rechain(lines [][]byte) ([][]byte, error) {
	out := make([][]byte, len(lines))
	prev := sha256.Sum256(nil)
	for i, l := range lines {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(l, &m); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, `{"seq":%d,"time":%s,"step":%s`, i+1, m["time"], m["step"])
		dec := json.NewDecoder(bytes.NewReader(l))
		_, _ = dec.Token() // {
		for dec.More() {
			k, _ := dec.Token()
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, err
			}
			switch k {
			case "seq", "time", "step", "prev":
				continue
			}
			kj, _ := json.Marshal(k)
			fmt.Fprintf(&b, ",%s:%s", kj, v)
		}
		fmt.Fprintf(&b, `,"prev":"%s"}`, hex.EncodeToString(prev[:]))
		out[i] = b.Bytes()
		prev = sha256.Sum256(out[i])
	}
	return out, nil
}
