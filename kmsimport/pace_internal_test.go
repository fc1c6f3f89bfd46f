package kmsimport

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The pacer is checked on a fake clock: no test here waits for real time.
func TestPacerSpacesCalls(t *testing.T) {
	now := time.Unix(1000, 0)
	var slept []time.Duration
	p := newPacer(2) // 500ms apart
	p.now = func() time.Time { return now }
	p.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); now = now.Add(d); return nil }
	for range 3 {
		err := p.wait(context.Background())
		require.NoError(t, err)
	}
	now = now.Add(2 * time.Second) // a slow call: no wait needed after it
	err := p.wait(context.Background())
	require.NoError(t, err)
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}
	require.Len(t, slept, len(want), "slept %v, want %v", slept, want)
	require.Equal(t, want[0], slept[0], "slept %v, want %v", slept, want)
	require.Equal(t, want[1], slept[1], "slept %v, want %v", slept, want)
}

func TestPacerHonoursCancel(t *testing.T) {
	p := newPacer(0.001)
	ctx, cancel := context.WithCancel(context.Background())
	err := p.wait(ctx)
	require.NoError(t, err)
	cancel()
	err = p.wait(ctx)
	require.Error(t, err, "wait after cancel returned nil")
}

// A sleep that wakes late: the next call is spaced from when this one
// really went, never from when it should have (which would let the next
// two go closer than the interval: a burst over the quota).
func TestPacerLateWakeUpNoBurst(t *testing.T) {
	now := time.Unix(1000, 0)
	var sent []time.Time
	p := newPacer(5) // 200ms apart
	p.now = func() time.Time { return now }
	late := 150 * time.Millisecond // the first sleep only
	p.sleep = func(_ context.Context, d time.Duration) error { now = now.Add(d + late); late = 0; return nil }
	for range 4 {
		require.NoError(t, p.wait(context.Background()))
		sent = append(sent, now)
	}
	for i := 1; i < len(sent); i++ {
		require.GreaterOrEqual(t, sent[i].Sub(sent[i-1]), 200*time.Millisecond, "calls %d and %d", i-1, i)
	}
}
