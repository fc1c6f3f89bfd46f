// Package progress shows how far long work has got. On a terminal it draws
// one line, redrawn in place: a bar, the count, the rate and the time left.
// Anywhere else (a pipe, a file, a test) it writes plain lines, exactly as
// the caller words them, and no bar.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Rawer is a writer that wraps another (prefixing or escaping each line):
// the bar is drawn on Raw() when that is a terminal, while lines still go
// through the wrapper.
type Rawer interface {
	Raw() io.Writer
}

// redrawEvery limits how often the bar is redrawn (the last step always is).
const redrawEvery = 100 * time.Millisecond

// Bar is the progress of total steps. Its methods are safe for concurrent use.
type Bar struct {
	mu       sync.Mutex
	lines    io.Writer // plain lines
	tty      io.Writer // the terminal, nil when there is none
	width    int
	label    string
	total    int
	done     int
	start    time.Time
	now      func() time.Time
	drawnAt  time.Time
	drawn    bool
	finished bool
}

// New returns the progress of total steps, called label on the bar. Lines
// go to w; the bar is drawn only when w (or w.Raw()) is a terminal. A nil w
// shows nothing.
func New(w io.Writer, label string, total int) *Bar {
	if w == nil {
		w = io.Discard
	}
	tty, width := terminal(w)
	return newBar(w, tty, width, label, total, time.Now)
}

func newBar(lines, tty io.Writer, width int, label string, total int, now func() time.Time) *Bar {
	return &Bar{lines: lines, tty: tty, width: width, label: label, total: total, now: now, start: now()}
}

// terminal returns the terminal under w and its width, or nil.
func terminal(w io.Writer) (io.Writer, int) {
	if r, ok := w.(Rawer); ok {
		w = r.Raw()
	}
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return nil, 0
	}
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return nil, 0
	}
	width, _, err := term.GetSize(fd)
	if err != nil || width < 40 {
		width = 80
	}
	return w, width
}

// Terminal reports whether the bar is drawn (else plain lines are written).
func (b *Bar) Terminal() bool { return b.tty != nil }

// Plain writes line only where there is no bar: the per-step detail a
// terminal shows as the bar instead.
func (b *Bar) Plain(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty == nil {
		fmt.Fprintln(b.lines, line)
	}
}

// Print writes line in both modes; on a terminal above the bar.
func (b *Bar) Print(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty != nil && b.drawn {
		fmt.Fprint(b.tty, "\r\x1b[K")
		b.drawn = false
	}
	fmt.Fprintln(b.lines, line)
	if b.tty != nil && b.done > 0 && !b.finished {
		b.draw()
	}
}

// Step records one more step done.
func (b *Bar) Step() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done++
	if b.tty == nil || b.finished {
		return
	}
	if t := b.now(); b.done >= b.total || t.Sub(b.drawnAt) >= redrawEvery {
		b.drawnAt = t
		b.draw()
	}
}

// Done ends the bar: on a terminal the last state stays on its own line.
// Calling it again does nothing.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	if b.tty != nil && b.done > 0 {
		b.draw()
		fmt.Fprintln(b.tty)
	}
}

func (b *Bar) draw() {
	fmt.Fprint(b.tty, "\r\x1b[K"+b.render())
	b.drawn = true
}

// render is the bar line: label [####....] done/total rate time-left.
func (b *Bar) render() string {
	elapsed := b.now().Sub(b.start)
	stats := fmt.Sprintf(" %d/%d", b.done, b.total)
	if elapsed > 0 && b.done > 0 {
		rate := float64(b.done) / elapsed.Seconds()
		stats += "  " + formatRate(rate)
		if left := b.total - b.done; left > 0 {
			stats += "  " + (time.Duration(float64(left) / rate * float64(time.Second))).Round(time.Second).String() + " left"
		} else {
			stats += "  " + elapsed.Round(time.Second).String()
		}
	}
	cells := b.width - len(b.label) - len(stats) - 4
	if cells < 10 {
		cells = 10
	}
	filled := cells
	if b.total > 0 && b.done < b.total {
		filled = cells * b.done / b.total
	}
	return b.label + " [" + strings.Repeat("#", filled) + strings.Repeat(".", cells-filled) + "]" + stats
}

func formatRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f/s", r)
	case r >= 1:
		return fmt.Sprintf("%.1f/s", r)
	}
	return fmt.Sprintf("%.1f/min", r*60)
}
