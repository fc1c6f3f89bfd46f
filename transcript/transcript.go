// Package transcript keeps a hash-chained JSON-lines record of a ceremony.
//
// Each line is one JSON object:
//
//	{"seq":1,"time":"2026-11-28T02:00:00Z","step":"params.read",<fields...>,"prev":"<hex>"}
//
// "prev" is the lowercase hex SHA-256 of the previous line's bytes (without
// its newline); the first line's "prev" is Genesis, the SHA-256 of the empty
// string. Head is the SHA-256 of the last line. Editing, removing, inserting
// or reordering any line breaks the chain at the next line or changes Head.
//
// Field values are restricted to strings, integers, booleans and string
// slices: byte slices are refused so key material cannot be dumped by mistake.
// Callers never record a PIN or material; they record digests and labels.
package transcript

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Genesis is the "prev" of the first line: hex SHA-256 of the empty string.
var Genesis = hashHex(nil)

// Errors (errors.Is).
var (
	ErrField  = errors.New("transcript field not allowed")
	ErrBroken = errors.New("transcript chain broken")
)

// reserved names a step's fields may not use.
var reserved = []string{"seq", "time", "step", "prev"}

// Transcript accumulates lines. The zero value is not usable; call New.
type Transcript struct {
	now   func() time.Time
	buf   bytes.Buffer
	seq   int
	head  string
	lines int
}

// New starts an empty transcript; now supplies each line's time (UTC, RFC 3339 with nanoseconds).
func New(now func() time.Time) *Transcript {
	if now == nil {
		now = time.Now
	}
	return &Transcript{now: now, head: Genesis}
}

// Record appends one step. Fields are written in sorted key order.
func (t *Transcript) Record(step string, fields map[string]any) error {
	line, err := t.encode(step, fields)
	if err != nil {
		return err
	}
	t.seq++
	t.lines++
	t.buf.Write(line)
	t.buf.WriteByte('\n')
	t.head = hashHex(line)
	return nil
}

func (t *Transcript) encode(step string, fields map[string]any) ([]byte, error) {
	if step == "" {
		return nil, fmt.Errorf("%w: empty step name", ErrField)
	}
	keys := make([]string, 0, len(fields))
	var errs []error
	for k, v := range fields {
		if slices.Contains(reserved, k) || k == "" {
			errs = append(errs, fmt.Errorf("%w: %s.%q is reserved", ErrField, step, k))
		}
		if err := checkValue(v); err != nil {
			errs = append(errs, fmt.Errorf("%w: %s.%s: %v", ErrField, step, k, err))
		}
		keys = append(keys, k)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.Sort(keys)
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"seq":%d,"time":%s,"step":%s`, t.seq+1, mustJSON(t.now().UTC().Format(time.RFC3339Nano)), mustJSON(step))
	for _, k := range keys {
		fmt.Fprintf(&b, ",%s:%s", mustJSON(k), mustJSON(fields[k]))
	}
	fmt.Fprintf(&b, `,"prev":%s}`, mustJSON(t.head))
	return b.Bytes(), nil
}

func checkValue(v any) error {
	switch v.(type) {
	case string, bool, int, int64, uint, uint64, []string:
		return nil
	}
	return fmt.Errorf("type %T (strings, integers, booleans and string lists only)", v)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // unreachable: only checked value types reach here
	}
	return b
}

// Bytes returns the transcript so far, one line per step, each ending in "\n".
func (t *Transcript) Bytes() []byte { return bytes.Clone(t.buf.Bytes()) }

// Head returns the hex SHA-256 of the last line (Genesis when empty).
func (t *Transcript) Head() string { return t.head }

// Len is the number of lines recorded.
func (t *Transcript) Len() int { return t.lines }

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
