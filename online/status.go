package online

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
)

// ErrExpiring: some key material expires within the days asked, or a key
// holds none (status --fail-within).
var ErrExpiring = errors.New("key material expiring")

// ExpiringError says how many materials expire within Days.
type ExpiringError struct{ N, Days int }

func (e *ExpiringError) Error() string {
	return fmt.Sprintf("%d key material(s) expire within %d days or are already gone", e.N, e.Days)
}
func (e *ExpiringError) Unwrap() error { return ErrExpiring }

// StatusRequest is `airwrap-online status`: a file naming the keys, or the
// keys themselves.
type StatusRequest struct {
	Path       string   // a parameters bundle (signed or not), AWS CLI parameters or an import bundle
	KeyIDs     []string // or the keys
	FailWithin int      // < 0: never fail; else ErrExpiring when material expires within so many days
	Client     Client
}

// Validate reports a request that names no keys, or names them twice over.
func (r StatusRequest) Validate() error {
	switch {
	case r.Path != "" && len(r.KeyIDs) > 0:
		return clikit.Usagef("give a BUNDLE or --key-id, not both")
	case r.Path == "" && len(r.KeyIDs) == 0:
		return clikit.Usagef("give a BUNDLE or --key-id")
	}
	return nil
}

// StatusResult is each key's state and, with FailWithin, what expires.
type StatusResult struct {
	Keys     []kmsimport.KeyStatus `json:"keys"`
	Expiring []kmsimport.Expiring  `json:"expiring,omitempty"`
}

// Status reads the key ARNs (KeyARNs; an import bundle's signatures are not
// needed for that) and asks KMS for each key's state and materials. With
// FailWithin the result is returned with an *ExpiringError when anything
// expires within that many days.
func Status(ctx context.Context, req StatusRequest) (*StatusResult, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	ids := req.KeyIDs
	if req.Path != "" {
		data, err := bundle.ReadFile(req.Path)
		if err != nil {
			return nil, err
		}
		if ids, err = KeyARNs(data); err != nil {
			return nil, err
		}
	}
	api, err := req.Client()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	st, err := kmsimport.Status(ctx, api, ids, now)
	if err != nil {
		return nil, err
	}
	out := &StatusResult{Keys: st}
	if req.FailWithin >= 0 {
		out.Expiring = kmsimport.ExpiringWithin(st, req.FailWithin, now)
	}
	if len(out.Expiring) > 0 {
		return out, &ExpiringError{len(out.Expiring), req.FailWithin}
	}
	return out, nil
}
