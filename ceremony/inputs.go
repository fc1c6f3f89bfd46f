package ceremony

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/verify"
)

// readParams parses the parameters file (either format) strictly and checks
// every entry against the KMS rules, without the HSM.
func readParams(o *Options, now time.Time) ([]*entry, string, error) {
	switch k := bundle.Detect(o.Params); k {
	case bundle.KindParams:
		es, err := fromParamsBundle(o, now)
		return es, bundle.ParamsType, err
	case bundle.KindAWSCLI:
		es, err := fromAWSCLI(o, now)
		return es, bundle.ParamsFormatAWSCLI, err
	default:
		return nil, "", fmt.Errorf("%w: %s: %s is neither a parameters bundle nor AWS CLI get-parameters-for-import JSON", ErrInvalidRequest, o.ParamsPath, k)
	}
}

func fromParamsBundle(o *Options, now time.Time) ([]*entry, error) {
	var errs []error
	if o.WrappingAlgorithm != "" {
		errs = append(errs, fmt.Errorf("%w: --wrapping-algorithm is for AWS CLI JSON parameters only: the parameters bundle names it per entry", ErrInvalidRequest))
	}
	if o.KeySpec != "" {
		errs = append(errs, fmt.Errorf("%w: --key-spec is for AWS CLI JSON parameters only: the parameters bundle names it per entry", ErrInvalidRequest))
	}
	p, err := bundle.ParseParams(o.Params)
	if err != nil {
		return nil, errors.Join(append(errs, fmt.Errorf("%s: %w", o.ParamsPath, err))...)
	}
	if err := checkParams(p, now); err != nil {
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
		if a, err := parseKeyARN(pe.KeyARN); err == nil {
			e.keyARN = a
		}
		if pub, err := checkWrappingPublicKey(pe.PublicKey, pe.WrappingKeySpec); err == nil {
			e.pub = pub
		}
		if err := checkFits(e); err != nil {
			errs = append(errs, err)
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
		} else if o.WrappingAlgorithm != "" && !verify.AlgorithmAllowed(o.KeySpec, o.WrappingAlgorithm) {
			add(fmt.Errorf("--wrapping-algorithm: %w: %s with %s (allowed: %v)", verify.ErrAlgorithmNotAllowed, o.WrappingAlgorithm, o.KeySpec, verify.Rules[o.KeySpec].Algorithms))
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
	if k, err := parseKeyARN(a.KeyID); err != nil {
		add(fmt.Errorf("%w: KeyId: %w", ErrInvalidRequest, err))
	} else {
		e.keyARN = k
	}
	if pub, err := checkWrappingPublicKey(a.PublicKey, ""); err != nil {
		add(fmt.Errorf("PublicKey: %w", err))
	} else {
		e.pub = pub
		e.wrappingKeySpec = fmt.Sprintf("RSA_%d", pub.N.BitLen())
	}
	if !a.ParametersValidTo.After(now) {
		add(fmt.Errorf("ParametersValidTo: %w: %s (now %s): fetch new parameters", verify.ErrParamsExpired, a.ParametersValidTo.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
	}
	add(checkFits(e))
	return []*entry{e}, errors.Join(errs...)
}

// checkFits reports material that cannot fit the wrapping key, using the
// largest material the key spec can have (the HSM key's size is checked again
// once it is found).
func checkFits(e *entry) error {
	if e.pub == nil || e.spec == "" || !verify.AlgorithmAllowed(e.spec, e.alg) {
		return nil // reported elsewhere, or not known yet
	}
	return fits(e, maxMaterialLen(verify.Rules[e.spec]))
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

// maxMaterialLen is the largest material (raw, or PKCS#8 DER with the
// public key and curve) a key spec can have.
func maxMaterialLen(r verify.KeySpecRule) int {
	switch r.Kind {
	case verify.KindSymmetric, verify.KindHMAC:
		return r.RawLen
	case verify.KindEC:
		return map[string]int{"P-256": 138, "P-384": 185, "P-521": 241, "secp256k1": 135}[r.Curve]
	case verify.KindRSA:
		return r.RSABits/8*5 + 100 // a generous bound: PKCS#8 RSA-2048 is about 1218 bytes
	}
	return 0
}
