package ceremony

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
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
			spec:            pe.KeySpec,
			alg:             pe.WrappingAlgorithm,
			wrappingKeySpec: pe.WrappingKeySpec,
			pubDER:          pe.PublicKey,
			token:           pe.ImportToken,
			paramsValidTo:   pe.ParametersValidTo,
		}
		entries = append(entries, e)
		// verify.CheckParams reported any problem with these.
		if a, err := verify.ParseARN(pe.KeyARN); err == nil {
			e.keyARN = a
		}
		if pub, err := verify.CheckWrappingPublicKey(pe.PublicKey, pe.WrappingKeySpec); err == nil {
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
		if _, err := verify.AlgorithmHash(o.WrappingAlgorithm); err != nil {
			add(fmt.Errorf("--wrapping-algorithm: %w", err))
		}
	}
	if o.KeySpec != "" {
		if _, err := verify.Rule(o.KeySpec); err != nil {
			add(fmt.Errorf("--key-spec: %w", err))
		}
	}
	if a == nil {
		return nil, errors.Join(errs...)
	}
	e := &entry{
		path:          "KeyId",
		arn:           a.KeyID,
		spec:          o.KeySpec,
		alg:           o.WrappingAlgorithm,
		pubDER:        a.PublicKey,
		token:         a.ImportToken,
		paramsValidTo: a.ParametersValidTo,
	}
	if k, err := verify.ParseARN(a.KeyID); err != nil {
		add(fmt.Errorf("KeyId: %w", err))
	} else {
		e.keyARN = k
	}
	if pub, spec, err := awsWrappingKey(a.PublicKey); err != nil {
		add(fmt.Errorf("PublicKey: %w", err))
	} else {
		e.pub, e.wrappingKeySpec = pub, spec
	}
	if !a.ParametersValidTo.After(now) {
		add(fmt.Errorf("ParametersValidTo: %w: %s (now %s): fetch new parameters", verify.ErrParamsExpired, a.ParametersValidTo.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
	}
	if e.spec != "" && e.alg != "" && e.pub != nil {
		if err := verify.CheckFits(e.spec, e.alg, e.wrappingKeySpec); err != nil && !errors.Is(err, verify.ErrKeySpec) && !errors.Is(err, verify.ErrWrappingAlgorithm) {
			add(fmt.Errorf("--wrapping-algorithm: %w", err))
		}
	}
	return []*entry{e}, errors.Join(errs...)
}

// awsWrappingKey checks the AWS CLI JSON's public key; its size names the
// wrapping key spec (the JSON does not).
func awsWrappingKey(der []byte) (*rsa.PublicKey, string, error) {
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, "", fmt.Errorf("%w: not a DER SubjectPublicKeyInfo of a known key type", verify.ErrWrappingKey)
	}
	r, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, "", fmt.Errorf("%w: %T, want RSA", verify.ErrWrappingKey, k)
	}
	spec := fmt.Sprintf("RSA_%d", r.N.BitLen())
	pub, err := verify.CheckWrappingPublicKey(der, spec)
	return pub, spec, err
}

func fits(e *entry, materialLen int) error {
	if materialLen <= 0 {
		return nil
	}
	modBytes := e.pub.Size()
	if verify.IsOAEP(e.alg) {
		h, _ := verify.AlgorithmHash(e.alg)
		if c := verify.OAEPCapacity(modBytes, h); materialLen > c {
			return fmt.Errorf("%s: %w: %s material of up to %d bytes, %s under %s carries %d: fetch parameters for RSA_AES_KEY_WRAP_* or a larger wrapping key", e.path, verify.ErrMaterialTooLarge, e.spec, materialLen, e.alg, e.wrappingKeySpec, c)
		}
	}
	if n := verify.WrappedLen(e.alg, modBytes, materialLen); n > verify.MaxEncryptedBlobSize {
		return fmt.Errorf("%s: %w: %d bytes wrapped, KMS takes at most %d", e.path, verify.ErrMaterialTooLarge, n, verify.MaxEncryptedBlobSize)
	}
	return nil
}
