package kmsimport

import (
	"context"
	"errors"
	"fmt"
)

// ErrInterrupted: the run's context was cancelled (Ctrl-C, SIGTERM). Prepare
// and Submit check it between requests and let a request in flight finish,
// so that what KMS did is known: the error says what was done and what not.
var ErrInterrupted = errors.New("interrupted")

// Stopped is nil while ctx runs; once it is cancelled, ErrInterrupted with
// the cancel's cause (the signal, when the CLI names it).
func Stopped(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	cause := context.Cause(ctx)
	if errors.Is(cause, ErrInterrupted) {
		return cause
	}
	return fmt.Errorf("%w (%w)", ErrInterrupted, cause)
}
