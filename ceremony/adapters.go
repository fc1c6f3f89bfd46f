package ceremony

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/verify"
)

// Temporary adapters until verify/ lands the matching functions.

func verifyEnvelope(env *bundle.Envelope, pub crypto.PublicKey) error {
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	if err != nil {
		return err
	}
	return bundle.VerifySignature(pub, env.PayloadType, payload, sig)
}

func checkPayload(p *bundle.ImportPayload, now time.Time) error { return nil }

func checkValidTo(v, now time.Time) error {
	switch {
	case !v.After(now):
		return fmt.Errorf("%w: %s is not in the future", verify.ErrValidTo, v.Format(time.RFC3339))
	case v.After(now.AddDate(0, 0, verify.MaxValidToDays)):
		return fmt.Errorf("%w: %s is more than %d days ahead", verify.ErrValidTo, v.Format(time.RFC3339), verify.MaxValidToDays)
	}
	return nil
}

func checkWrappingPublicKey(der []byte, spec string) (*rsa.PublicKey, error) {
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", verify.ErrWrappingKey, err)
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: %T, want RSA", verify.ErrWrappingKey, k)
	}
	bits := pub.N.BitLen()
	if _, ok := verify.WrappingKeySpecs[fmt.Sprintf("RSA_%d", bits)]; !ok {
		return nil, fmt.Errorf("%w: RSA %d bits, want 2048, 3072 or 4096", verify.ErrWrappingKey, bits)
	}
	if spec != "" && verify.WrappingKeySpecs[spec] != bits {
		return nil, fmt.Errorf("%w: RSA %d bits but wrapping_key_spec says %s", verify.ErrWrappingKey, bits, spec)
	}
	return pub, nil
}

func checkParams(p *bundle.Params, now time.Time) error {
	var errs []error
	for i, e := range p.Entries {
		path := fmt.Sprintf("entries[%d]", i)
		if _, err := parseKeyARN(e.KeyARN); err != nil {
			errs = append(errs, fmt.Errorf("%s.key_arn: %w", path, err))
		}
		if _, err := verify.Rule(e.KeySpec); err != nil {
			errs = append(errs, fmt.Errorf("%s.key_spec: %w", path, err))
		} else if !verify.AlgorithmAllowed(e.KeySpec, e.WrappingAlgorithm) {
			errs = append(errs, fmt.Errorf("%s.wrapping_algorithm: %w: %s with %s", path, verify.ErrAlgorithmNotAllowed, e.WrappingAlgorithm, e.KeySpec))
		}
		if _, err := checkWrappingPublicKey(e.PublicKey, e.WrappingKeySpec); err != nil {
			errs = append(errs, fmt.Errorf("%s.public_key: %w", path, err))
		}
		if !e.ParametersValidTo.After(now) {
			errs = append(errs, fmt.Errorf("%s.parameters_valid_to: %w", path, verify.ErrParamsExpired))
		}
	}
	return errors.Join(errs...)
}
