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
