package progress

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a fake clock the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestPlainLinesWithoutTerminal(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, "wrapping", 2)
	require.False(t, b.Terminal(), "a buffer is not a terminal")
	b.Plain("wrapping 1/2")
	b.Step()
	b.Print("note")
	b.Plain("wrapping 2/2")
	b.Step()
	b.Done()
	got, want := out.String(), "wrapping 1/2\nnote\nwrapping 2/2\n"
	require.Equal(t, want, got, "got %q, want %q", got, want)
}

func TestPipeIsNotATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	require.False(t, New(w, "x", 1).Terminal(), "a pipe is not a terminal")
	require.False(t, New(rawer{w}, "x", 1).Terminal(), "a pipe under a wrapper is not a terminal")
}

type rawer struct{ w *os.File }

func (r rawer) Write(p []byte) (int, error) { return r.w.Write(p) }
func (r rawer) Raw() io.Writer              { return r.w }

func TestBarShowsRateAndTimeLeft(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var lines, tty bytes.Buffer
	b := newBar(&lines, &tty, 60, "wrapping", 100, c.now)
	b.Plain("not shown on a terminal")
	for range 25 {
		c.t = c.t.Add(200 * time.Millisecond)
		b.Step()
	}
	last := lastDraw(tty.String())
	for _, want := range []string{"wrapping [", " 25/100", "5.0/s", "15s left"} {
		assert.Contains(t, last, want, "bar %q lacks %q", last, want)
	}
	assert.LessOrEqual(t, len(last), 60, "bar %q is wider than the terminal", last)
	b.Print("entries[3]: failed")
	assert.Equal(t, "entries[3]: failed\n", lines.String(), "lines %q", lines.String())
	for range 75 {
		c.t = c.t.Add(200 * time.Millisecond)
		b.Step()
	}
	b.Done()
	final := tty.String()
	if assert.True(t, strings.HasSuffix(final, "\n"), "final bar %q", final) {
		assert.Contains(t, lastDraw(strings.TrimSuffix(final, "\n")), "100/100", "final bar %q", final)
	}
	b.Done()
	assert.Equal(t, final, tty.String(), "second Done drew again")
}

func TestSlowRateInMinutes(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	var tty bytes.Buffer
	b := newBar(&bytes.Buffer{}, &tty, 80, "parameters", 10, c.now)
	c.t = c.t.Add(2 * time.Minute)
	b.Step()
	last := lastDraw(tty.String())
	assert.Contains(t, last, "0.5/min", "bar %q", last)
	assert.Contains(t, last, "18m0s left", "bar %q", last)
}

func lastDraw(s string) string {
	i := strings.LastIndex(s, "\x1b[K")
	if i < 0 {
		return ""
	}
	return s[i+len("\x1b[K"):]
}
