package transcript

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func fixedClock() func() time.Time {
	t0 := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	n := 0
	return func() time.Time { n++; return t0.Add(time.Duration(n) * time.Second) }
}

func sample(t *testing.T) *Transcript {
	t.Helper()
	tr := New(fixedClock())
	steps := []struct {
		step   string
		fields map[string]any
	}{
		{"params.read", map[string]any{"sha256": "ab", "entries": 2}},
		{"hsm.selftest", map[string]any{"ok": true, "algorithms": []string{"RSAES_OAEP_SHA_1"}}},
		{"wrap", map[string]any{"key_arn": "arn:aws:kms:eu-west-1:111122223333:key/x", "label": "k\n1"}},
	}
	for _, s := range steps {
		if err := tr.Record(s.step, s.fields); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

func TestChainVerifies(t *testing.T) {
	tr := sample(t)
	data := tr.Bytes()
	head, err := HeadOf(data)
	if err != nil {
		t.Fatal(err)
	}
	if head != tr.Head() {
		t.Fatalf("HeadOf = %s, Head = %s", head, tr.Head())
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	if !strings.HasPrefix(lines[0], `{"seq":1,"time":"2026-11-28T02:00:01Z","step":"params.read","entries":2,"sha256":"ab","prev":"`+Genesis+`"}`) {
		t.Fatalf("first line: %s", lines[0])
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line not JSON: %s", l)
		}
	}
	if Genesis != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatal("genesis is not SHA-256 of the empty string")
	}
}

// Any edit of any line is detected: by the chain, or (for the last line) by Head.
func TestChainBreaksOnAnyEdit(t *testing.T) {
	tr := sample(t)
	data := tr.Bytes()
	for i := range data {
		if data[i] == '\n' {
			continue
		}
		mod := bytes.Clone(data)
		mod[i] ^= 0x01
		head, err := HeadOf(mod)
		if err == nil && head == tr.Head() {
			t.Fatalf("flip at byte %d (%q) undetected", i, data[i])
		}
	}
}

func TestChainBreaksOnRemovedOrReorderedLine(t *testing.T) {
	data := sample(t).Bytes()
	lines := bytes.SplitAfter(data, []byte("\n"))[:3]
	removed := append(bytes.Clone(lines[0]), lines[2]...)
	if err := Verify(removed); !errors.Is(err, ErrBroken) {
		t.Fatalf("removed line: %v", err)
	}
	swapped := append(append(bytes.Clone(lines[1]), lines[0]...), lines[2]...)
	if err := Verify(swapped); !errors.Is(err, ErrBroken) {
		t.Fatalf("swapped lines: %v", err)
	}
	if err := Verify(data[:len(data)-1]); !errors.Is(err, ErrBroken) {
		t.Fatalf("truncated: %v", err)
	}
	if err := Verify(nil); !errors.Is(err, ErrBroken) {
		t.Fatalf("empty: %v", err)
	}
}

func TestRecordRefusesBytesAndReserved(t *testing.T) {
	tr := New(fixedClock())
	err := tr.Record("wrap", map[string]any{"material": []byte{1, 2}, "prev": "x"})
	if !errors.Is(err, ErrField) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "wrap.material") || !strings.Contains(err.Error(), `"prev"`) {
		t.Fatalf("error should name both fields: %v", err)
	}
	if tr.Len() != 0 || tr.Head() != Genesis {
		t.Fatal("a refused record changed the transcript")
	}
}

// FuzzVerify: no input panics, and whatever verifies has a head that a
// changed last byte no longer gives.
func FuzzVerify(f *testing.F) {
	tr := New(fixedClock())
	f.Add([]byte{})
	f.Add([]byte("\n"))
	for i := 0; i < 3; i++ {
		_ = tr.Record("step", map[string]any{"i": i})
		f.Add(tr.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		head, err := HeadOf(data)
		if err != nil {
			return
		}
		if len(head) != 64 {
			t.Fatalf("head %q", head)
		}
	})
}
