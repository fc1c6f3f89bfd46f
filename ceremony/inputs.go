package ceremony

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/verify"
)

// readParams parses the parameters file (either format) strictly and checks
// every entry against the KMS rules, without the HSM.
func readParams(o *Options, now time.Time) ([]*entry, string, error) {
	k := bundle.Detect(o.Params)
	if err := requireSigned(o, k); err != nil {
		return nil, "", err
	}
	switch k {
	case bundle.KindParams:
		es, err := fromParamsBundle(o, o.Params, now)
		return es, bundle.ParamsType, err
	case bundle.KindSignedParams:
		es, err := fromSignedParams(o, now)
		return es, bundle.ParamsFormatSigned, err
	case bundle.KindAWSCLI:
		es, err := fromAWSCLI(o, now)
		return es, bundle.ParamsFormatAWSCLI, err
	default:
		return nil, "", fmt.Errorf("%w: %s: %s is neither a parameters bundle nor AWS CLI get-parameters-for-import JSON", ErrInvalidRequest, o.ParamsPath, k)
	}
}

func fromParamsBundle(o *Options, raw []byte, now time.Time) ([]*entry, error) {
	var errs []error
	if o.WrappingAlgorithm != "" {
		errs = append(errs, fmt.Errorf("%w: --wrapping-algorithm is for AWS CLI JSON parameters only: the parameters bundle names it per entry", ErrInvalidRequest))
	}
	if o.KeySpec != "" {
		errs = append(errs, fmt.Errorf("%w: --key-spec is for AWS CLI JSON parameters only: the parameters bundle names it per entry", ErrInvalidRequest))
	}
	p, err := bundle.ParseParams(raw)
	if err != nil {
		return nil, errors.Join(append(errs, fmt.Errorf("%s: %w", o.ParamsPath, err))...)
	}
	if err := verify.CheckParams(p, now); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", o.ParamsPath, err))
	}
	var entries []*entry
	for i, pe := range p.Entries {
		e := &entry{
			path:            fmt.Sprintf("entries[%d]", i),
			arn:             pe.KeyARN,
			spec:            kmsrules.KeySpec(pe.KeySpec),
			alg:             kmsrules.WrappingAlgorithm(pe.WrappingAlgorithm),
			wrappingKeySpec: kmsrules.WrappingKeySpec(pe.WrappingKeySpec),
			pubDER:          pe.PublicKey,
			token:           pe.ImportToken,
			paramsValidTo:   pe.ParametersValidTo,
			role:            pe.MultiRegionRole,
		}
		entries = append(entries, e)
		// verify.CheckParams reported any problem with these.
		if a, err := kmsrules.ParseARN(pe.KeyARN); err == nil {
			e.keyARN = a
		}
		if pub, err := kmsrules.CheckWrappingPublicKey(pe.PublicKey, e.wrappingKeySpec); err == nil {
			e.pub = pub
		}
	}
	return entries, errors.Join(errs...)
}

func fromAWSCLI(o *Options, now time.Time) ([]*entry, error) {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	a, err := bundle.ParseAWSCLIParams(o.Params)
	if err != nil {
		add(fmt.Errorf("%s: %w", o.ParamsPath, err))
	}
	switch {
	case o.WrappingAlgorithm == "":
		add(fmt.Errorf("%w: --wrapping-algorithm is required with AWS CLI JSON parameters (the algorithm given to get-parameters-for-import)", ErrInvalidRequest))
	default:
		if _, err := kmsrules.ParseWrappingAlgorithm(o.WrappingAlgorithm); err != nil {
			add(fmt.Errorf("--wrapping-algorithm: %w", err))
		}
	}
	if o.KeySpec != "" {
		if _, err := kmsrules.ParseKeySpec(o.KeySpec); err != nil {
			add(fmt.Errorf("--key-spec: %w", err))
		}
	}
	if a == nil {
		return nil, errors.Join(errs...)
	}
	e := &entry{
		path:          "KeyId",
		arn:           a.KeyID,
		spec:          kmsrules.KeySpec(o.KeySpec),
		alg:           kmsrules.WrappingAlgorithm(o.WrappingAlgorithm),
		pubDER:        a.PublicKey,
		token:         a.ImportToken,
		paramsValidTo: a.ParametersValidTo,
	}
	if k, err := kmsrules.ParseARN(a.KeyID); err != nil {
		add(fmt.Errorf("KeyId: %w", err))
	} else {
		e.keyARN = k
	}
	if pub, spec, err := kmsrules.WrappingPublicKey(a.PublicKey); err != nil {
		add(fmt.Errorf("PublicKey: %w", err))
	} else {
		e.pub, e.wrappingKeySpec = pub, spec
	}
	if !a.ParametersValidTo.After(now) {
		add(fmt.Errorf("ParametersValidTo: %w: %s (now %s): fetch new parameters", verify.ErrParamsExpired, a.ParametersValidTo.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
	}
	if e.spec != "" && e.alg != "" && e.pub != nil {
		if err := kmsrules.CheckFit(e.spec, e.alg, e.wrappingKeySpec); err != nil && !errors.Is(err, kmsrules.ErrKeySpec) && !errors.Is(err, kmsrules.ErrWrappingAlgorithm) {
			add(fmt.Errorf("--wrapping-algorithm: %w", err))
		}
	}
	return []*entry{e}, errors.Join(errs...)
}

// fits checks the HSM key's measured material length against the entry's
// algorithm and wrapping key.
func fits(e *entry, materialLen int) error {
	if err := kmsrules.CheckMaterialFits(e.spec, e.alg, e.wrappingKeySpec, materialLen); err != nil {
		return fmt.Errorf("%s: %w", e.path, err)
	}
	return nil
}
