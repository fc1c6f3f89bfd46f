package kmsimport

// Adapters over the offline half's verify package. verify.LoadTrustFiles,
// VerifyEnvelope, CheckImport and CheckImportAgainstParams had not landed when
// this was written; these small stand-ins use bundle's primitives and the
// verify sentinels, and are meant to be replaced by calls to verify.

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/verify"
)

type trustedKey struct {
	id  string
	pub crypto.PublicKey
}

func loadTrust(paths []string) ([]trustedKey, error) {
	var out []trustedKey
	var errs []error
	seen := map[string]bool{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: trust %s: %w", ErrUsage, p, err))
			continue
		}
		blk, _ := pem.Decode(data)
		if blk == nil || blk.Type != "PUBLIC KEY" {
			errs = append(errs, fmt.Errorf("%w: trust %s: no PEM PUBLIC KEY block", ErrUsage, p))
			continue
		}
		pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: trust %s: %w", ErrUsage, p, err))
			continue
		}
		id, err := bundle.KeyID(pub)
		if err != nil {
			errs = append(errs, fmt.Errorf("trust %s: %w", p, err))
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, trustedKey{id, pub})
		}
	}
	return out, errors.Join(errs...)
}

func verifyEnvelope(env *bundle.Envelope, trusted []trustedKey, threshold int) ([]byte, []string, error) {
	payload, err := base64.StdEncoding.Strict().DecodeString(env.Payload)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: payload is not base64", bundle.ErrMalformed)
	}
	var ok []string
	for _, s := range env.Signatures {
		sig, err := base64.StdEncoding.Strict().DecodeString(s.Sig)
		if err != nil {
			continue
		}
		for _, k := range trusted {
			if k.id == s.KeyID && bundle.VerifySignature(k.pub, env.PayloadType, payload, sig) == nil {
				ok = append(ok, k.id)
			}
		}
	}
	if len(ok) < threshold {
		return nil, nil, fmt.Errorf("%w: %d valid signature(s) by trusted keys, %d required", verify.ErrUntrusted, len(ok), threshold)
	}
	return payload, ok, nil
}

func checkImport(p *bundle.ImportPayload, now time.Time) error {
	var errs []error
	for i, e := range p.Entries {
		path := fmt.Sprintf("entries[%d]", i)
		if !e.ParametersValidTo.After(now) {
			errs = append(errs, fmt.Errorf("%s.parameters_valid_to: %w: %s expired at %s", path, verify.ErrParamsExpired, e.KeyARN, e.ParametersValidTo.Format(time.RFC3339)))
		}
		switch e.ExpirationModel {
		case verify.ExpiresModel:
			if e.ValidTo == nil {
				errs = append(errs, fmt.Errorf("%s.valid_to: %w: required with %s", path, verify.ErrValidTo, e.ExpirationModel))
			} else if !e.ValidTo.After(now) {
				errs = append(errs, fmt.Errorf("%s.valid_to: %w: %s is in the past", path, verify.ErrValidTo, e.ValidTo.Format(time.RFC3339)))
			}
		case verify.DoesNotExpireModel:
			if e.ValidTo != nil {
				errs = append(errs, fmt.Errorf("%s.valid_to: %w: forbidden with %s", path, verify.ErrValidTo, e.ExpirationModel))
			}
		default:
			errs = append(errs, fmt.Errorf("%s.expiration_model: %w: %q", path, verify.ErrValidTo, e.ExpirationModel))
		}
		if !verify.AlgorithmAllowed(e.KeySpec, e.WrappingAlgorithm) {
			errs = append(errs, fmt.Errorf("%s.wrapping_algorithm: %w: %s for %s", path, verify.ErrAlgorithmNotAllowed, e.WrappingAlgorithm, e.KeySpec))
		}
	}
	return errors.Join(errs...)
}

func checkImportAgainstParams(p *bundle.ImportPayload, paramsBytes []byte) error {
	if got := bundle.SHA256Hex(paramsBytes); got != p.ParamsSHA256 {
		return fmt.Errorf("params_sha256: %w: the bundle answers parameters %s, this file is %s", verify.ErrBinding, p.ParamsSHA256, got)
	}
	if p.ParamsFormat != bundle.ParamsType {
		return nil // AWS CLI JSON: only the digest binds it
	}
	params, err := bundle.ParseParams(paramsBytes)
	if err != nil {
		return err
	}
	byARN := map[string]bundle.ParamsEntry{}
	for _, e := range params.Entries {
		byARN[e.KeyARN] = e
	}
	var errs []error
	for i, e := range p.Entries {
		path := fmt.Sprintf("entries[%d]", i)
		pe, ok := byARN[e.KeyARN]
		if !ok {
			errs = append(errs, fmt.Errorf("%s.key_arn: %w: %s is not in the parameters", path, verify.ErrBinding, e.KeyARN))
			continue
		}
		if string(pe.ImportToken) != string(e.ImportToken) {
			errs = append(errs, fmt.Errorf("%s.import_token: %w: differs from the parameters'", path, verify.ErrBinding))
		}
		if bundle.SHA256Hex(pe.PublicKey) != e.WrappingPublicKeySHA256 {
			errs = append(errs, fmt.Errorf("%s.wrapping_public_key_sha256: %w: differs from the parameters'", path, verify.ErrBinding))
		}
		if pe.WrappingAlgorithm != e.WrappingAlgorithm || pe.WrappingKeySpec != e.WrappingKeySpec || pe.KeySpec != e.KeySpec {
			errs = append(errs, fmt.Errorf("%s: %w: algorithm, wrapping key spec or key spec differ from the parameters'", path, verify.ErrBinding))
		}
	}
	return errors.Join(errs...)
}
