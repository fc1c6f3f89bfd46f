package transcript

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
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
		err := tr.Record(s.step, s.fields)
		require.NoError(t, err)
	}
	return tr
}

func TestChainVerifies(t *testing.T) {
	tr := sample(t)
	data := tr.Bytes()
	head, err := HeadOf(data)
	require.NoError(t, err)
	require.Equal(t, tr.Head(), head, "HeadOf = %s, Head = %s", head, tr.Head())
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Len(t, lines, 3, "%d lines", len(lines))
	require.True(t, strings.HasPrefix(lines[0], `{"seq":1,"time":"2026-11-28T02:00:01Z","step":"params.read","entries":2,"sha256":"ab","prev":"`+Genesis+`"}`), "first line: %s", lines[0])
	for _, l := range lines {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), "line not JSON: %s", l)
	}
	require.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Genesis, "genesis is not SHA-256 of the empty string")
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
		require.False(t, err == nil && head == tr.Head(), "flip at byte %d (%q) undetected", i, data[i])
	}
}

func TestChainBreaksOnRemovedOrReorderedLine(t *testing.T) {
	data := sample(t).Bytes()
	lines := bytes.SplitAfter(data, []byte("\n"))[:3]
	removed := append(bytes.Clone(lines[0]), lines[2]...)
	err := Verify(removed)
	require.ErrorIs(t, err, ErrBroken, "removed line: %v", err)
	swapped := append(append(bytes.Clone(lines[1]), lines[0]...), lines[2]...)
	err = Verify(swapped)
	require.ErrorIs(t, err, ErrBroken, "swapped lines: %v", err)
	err = Verify(data[:len(data)-1])
	require.ErrorIs(t, err, ErrBroken, "truncated: %v", err)
	err = Verify(nil)
	require.ErrorIs(t, err, ErrBroken, "empty: %v", err)
}

func TestRecordRefusesBytesAndReserved(t *testing.T) {
	tr := New(fixedClock())
	err := tr.Record("wrap", map[string]any{"material": []byte{1, 2}, "prev": "x"})
	require.ErrorIs(t, err, ErrField, "err = %v", err)
	require.Contains(t, err.Error(), "wrap.material", "error should name both fields: %v", err)
	require.Contains(t, err.Error(), `"prev"`, "error should name both fields: %v", err)
	require.Equal(t, 0, tr.Len(), "a refused record changed the transcript")
	require.Equal(t, Genesis, tr.Head(), "a refused record changed the transcript")
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
		require.Len(t, head, 64, "head %q", head)
	})
}
