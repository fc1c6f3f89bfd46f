package kmsimport

import (
	"context"
	"testing"
	"time"
)

// The pacer is checked on a fake clock: no test here waits for real time.
func TestPacerSpacesCalls(t *testing.T) {
	now := time.Unix(1000, 0)
	var slept []time.Duration
	p := newPacer(2) // 500ms apart
	p.now = func() time.Time { return now }
	p.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); now = now.Add(d); return nil }
	for range 3 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Second) // a slow call: no wait needed after it
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}
	if len(slept) != len(want) || slept[0] != want[0] || slept[1] != want[1] {
		t.Fatalf("slept %v, want %v", slept, want)
	}
}

func TestPacerHonoursCancel(t *testing.T) {
	p := newPacer(0.001)
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.wait(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := p.wait(ctx); err == nil {
		t.Fatal("wait after cancel returned nil")
	}
}
