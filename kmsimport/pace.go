package kmsimport

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// DefaultRate is GetParametersForImport's default quota: 1 request per second
// per account and Region.
const DefaultRate = 1.0

// ParseRate reads a request rate: "2" or "2/s" (per second), "30/m" (per
// minute). It must be positive.
func ParseRate(s string) (float64, error) {
	num, unit, hasUnit := strings.Cut(strings.TrimSpace(s), "/")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || !(v > 0 && v <= 1e6) {
		return 0, fmt.Errorf("%w: rate %q: want a positive number per second, e.g. 1/s, 0.5/s or 30/m", ErrUsage, s)
	}
	if hasUnit {
		switch unit {
		case "s":
		case "m":
			v /= 60
		default:
			return 0, fmt.Errorf("%w: rate %q: unit must be /s or /m", ErrUsage, s)
		}
	}
	return v, nil
}

// What a paced batch (prepare, submit, delete-material, rotate) takes when
// its request leaves a field unset: the real clock, no progress output,
// and the operation's own quota as its rate.
func clockOr(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

func progressOr(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

func rateOr(rate, quota float64) float64 {
	if rate <= 0 {
		return quota
	}
	return rate
}

// pacer spaces calls at least interval apart, measured from when each call
// really went (a late wake-up never lets the next call catch up: two calls
// closer than interval would be a burst over the quota); the first call
// goes at once.
type pacer struct {
	interval time.Duration
	next     time.Time
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

func newPacer(rate float64) *pacer {
	return &pacer{interval: time.Duration(float64(time.Second) / rate), now: time.Now, sleep: sleepCtx}
}

func (p *pacer) wait(ctx context.Context) error {
	now := p.now()
	if p.next.After(now) {
		if err := p.sleep(ctx, p.next.Sub(now)); err != nil {
			return err
		}
		if now = p.now(); now.Before(p.next) {
			now = p.next
		}
	}
	p.next = now.Add(p.interval)
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
