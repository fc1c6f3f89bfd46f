package online

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/verify"
)

// TokenCapabilities is `prepare --token-capabilities FILE
// --capabilities-trust PEM`: what the token measured about itself (`airwrap
// hsm info --out`), signed by the ceremony signer (bundle/SPEC.md 6.1).
type TokenCapabilities struct {
	Path       string
	TrustFiles []string
}

// checkUsage: the file and its trust go together; there is no unverified use (R49).
func (c TokenCapabilities) checkUsage() error {
	switch {
	case c.Path == "" && len(c.TrustFiles) > 0:
		return errors.New("--capabilities-trust only goes with --token-capabilities")
	case c.Path != "" && len(c.TrustFiles) == 0:
		return errors.New("--token-capabilities needs --capabilities-trust PEM: the ceremony signer's public key (from `airwrap signer export`) that signed it")
	}
	return nil
}

// open reads and verifies the capabilities file (verify.OpenCapabilities):
// nil exports when none was given. Errors start with the file's path.
func (c TokenCapabilities) open(now time.Time) (*bundle.Capabilities, kmsrules.TokenExports, error) {
	if c.Path == "" {
		return nil, nil, nil
	}
	trusted, err := verify.LoadTrustFiles(c.TrustFiles...)
	if err != nil {
		return nil, nil, errmark.With(fmt.Errorf("--capabilities-trust: %w", err), ErrTrustFile)
	}
	data, err := bundle.ReadFile(c.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("--token-capabilities: %w", err)
	}
	caps, exports, err := verify.OpenCapabilities(data, trusted, now)
	if err != nil {
		return nil, nil, fmt.Errorf("--token-capabilities %s: %w", c.Path, err)
	}
	return caps, exports, nil
}
