package ceremony

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/verify"
)

// ErrParamsUnsigned: trusted parameter signers were given but the parameters
// file is not signed.
var ErrParamsUnsigned = errors.New("parameters are not signed")

// requireSigned refuses an unsigned parameters file when trust is given.
func requireSigned(o *Options, k bundle.Kind) error {
	if len(o.ParamsTrust) == 0 || (k != bundle.KindParams && k != bundle.KindAWSCLI) {
		return nil
	}
	return fmt.Errorf("%s: %w: it is a %s, and --params-trust requires parameters signed on the online side (airwrap-online prepare --sign-key or --sign-kms-key)", o.ParamsPath, ErrParamsUnsigned, k)
}

// fromSignedParams reads signed parameters: the envelope strictly, its
// signatures against ParamsTrust when given, then the parameters bundle
// inside as fromParamsBundle does.
func fromSignedParams(o *Options, now time.Time) ([]*entry, error) {
	sp, err := bundle.ParseSignedParams(o.Params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.ParamsPath, err)
	}
	if len(o.ParamsTrust) > 0 {
		k := o.ParamsThreshold
		if k == 0 {
			k = 1
		}
		if _, _, err := verify.VerifySignedParams(sp.Envelope, o.ParamsTrust, k); err != nil {
			return nil, fmt.Errorf("%s: %w", o.ParamsPath, err)
		}
	}
	return fromParamsBundle(o, sp.Raw, now)
}
