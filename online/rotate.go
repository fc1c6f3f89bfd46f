package online

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
)

// RotateRequest is `airwrap-online rotate`: finish the rotation of keys
// whose new material is already PENDING_ROTATION (a submit without
// --rotate, or one interrupted before its rotations).
type RotateRequest struct {
	KeyARNs []string
	DryRun  bool
	Rate    float64
	Client  Client
	// Note receives what the operator reads (a line each, escaped);
	// Progress the rotation's progress.
	Note     func(string)
	Progress io.Writer
}

// Validate reports every usage problem at once, before any AWS request.
func (r RotateRequest) Validate() error {
	var errs []error
	if len(r.KeyARNs) == 0 {
		errs = append(errs, clikit.Usagef("--key-id is required: the ARN of each key to rotate (a multi-Region key: its primary)"))
	}
	for i, k := range r.KeyARNs {
		if _, err := kmsrules.ParseARN(k); err != nil {
			errs = append(errs, clikit.Usagef("--key-id %s: give the key's ARN: %v", clikit.Escape(k), err))
		}
		if slices.Index(r.KeyARNs, k) < i {
			errs = append(errs, clikit.Usagef("--key-id %s given twice", clikit.Escape(k)))
		}
	}
	return errors.Join(errs...)
}

// RotateResult is each key's rotation.
type RotateResult struct {
	Rotations []kmsimport.Rotation `json:"rotations"`
}

// Rotate checks every key first (kmsimport.CheckRotatable: symmetric,
// EXTERNAL, not a replica, Enabled, with material PENDING_ROTATION), says
// which material becomes current, then rotates each (kmsimport.RotateKeys).
// Nothing is rotated unless every key passes.
func Rotate(ctx context.Context, req RotateRequest) (*RotateResult, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	note := req.Note
	if note == nil {
		note = func(string) {}
	}
	api, err := req.Client()
	if err != nil {
		return nil, err
	}
	keys, err := kmsimport.CheckRotatable(ctx, api, req.KeyARNs, time.Now())
	if err != nil {
		return nil, errmark.With(err, ErrNothingRotated)
	}
	for _, k := range keys {
		for _, m := range k.Pending {
			line := fmt.Sprintf("%s: key material %s is PENDING_ROTATION", clikit.Escape(k.Key.ARN), clikit.Escape(m.KeyMaterialID))
			if m.Description != "" {
				line += " (" + clikit.Escape(m.Description) + ")"
			}
			note(line + ": it becomes CURRENT")
		}
	}
	rots, err := kmsimport.RotateKeys(ctx, api, keys, kmsimport.RotateKeysRequest{DryRun: req.DryRun, Rate: req.Rate, Progress: req.Progress})
	return &RotateResult{Rotations: rots}, err
}

// ErrNothingRotated: the checks before any RotateKeyOnDemand failed.
var ErrNothingRotated = errors.New("nothing was rotated")
