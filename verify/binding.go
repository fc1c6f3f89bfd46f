package verify

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
)

// CheckImportAgainstParams checks that an import payload answers exactly the
// parameters file paramsBytes (SPEC.md R32-R33): its SHA-256, its format, and
// per entry the key, import token, wrapping public key, validity and (for a
// parameters bundle) key spec, wrapping algorithm and wrapping key spec.
// Either parameters format is accepted (bundle.Detect).
func CheckImportAgainstParams(p *bundle.ImportPayload, paramsBytes []byte) error {
	if got := bundle.SHA256Hex(paramsBytes); got != p.ParamsSHA256 {
		return fmt.Errorf("params_sha256: %w: the bundle answers parameters with SHA-256 %s, this file has %s (wrong or edited parameters file)", ErrBinding, p.ParamsSHA256, got)
	}
	switch kind := bundle.Detect(paramsBytes); kind {
	case bundle.KindParams:
		return againstParams(p, paramsBytes)
	case bundle.KindAWSCLI:
		return againstAWSCLI(p, paramsBytes)
	case bundle.KindSignedParams:
		return againstSignedParams(p, paramsBytes)
	default:
		return fmt.Errorf("%w: the parameters file is a %s, not parameters", ErrBinding, kind)
	}
}

func againstParams(p *bundle.ImportPayload, raw []byte) error {
	if p.ParamsFormat != bundle.ParamsType {
		return fmt.Errorf("params_format: %w: %q, but the file is a parameters bundle", ErrBinding, p.ParamsFormat)
	}
	params, err := bundle.ParseParams(raw)
	if err != nil {
		return fmt.Errorf("parameters file: %w", err)
	}
	return againstParsedParams(p, params)
}

// againstSignedParams binds the signed file (R42): the import payload names
// the signed format and its entries answer the signed parameters bundle.
// The parameters' signatures are checked where the trust is given (wrap
// --params-trust), not here.
func againstSignedParams(p *bundle.ImportPayload, raw []byte) error {
	if p.ParamsFormat != bundle.ParamsFormatSigned {
		return fmt.Errorf("params_format: %w: %q, but the file is a signed parameters bundle", ErrBinding, p.ParamsFormat)
	}
	sp, err := bundle.ParseSignedParams(raw)
	if err != nil {
		return fmt.Errorf("parameters file: %w", err)
	}
	return againstParsedParams(p, sp.Params)
}

func againstParsedParams(p *bundle.ImportPayload, params *bundle.Params) error {
	byARN := map[string]bundle.ParamsEntry{}
	for _, e := range params.Entries {
		byARN[e.KeyARN] = e
	}
	var errs []error
	for i, e := range p.Entries {
		pe, ok := byARN[e.KeyARN]
		if !ok {
			errs = append(errs, at(entryPath(i, "key_arn"), fmt.Errorf("%w: %s is not in the parameters", ErrBinding, e.KeyARN)))
			continue
		}
		errs = append(errs, compareEntry(i, e, pe.ImportToken, pe.PublicKey, pe)...)
		for _, f := range []struct{ field, got, want string }{
			{"key_spec", e.KeySpec, pe.KeySpec},
			{"wrapping_algorithm", e.WrappingAlgorithm, pe.WrappingAlgorithm},
			{"wrapping_key_spec", e.WrappingKeySpec, pe.WrappingKeySpec},
		} {
			if f.got != f.want {
				errs = append(errs, at(entryPath(i, f.field), fmt.Errorf("%w: %q, the parameters say %q", ErrBinding, f.got, f.want)))
			}
		}
		// R33: a replica's key_material_id_from names its primary, by the
		// roles the parameters record.
		if e.KeyMaterialIDFrom != "" {
			from, ok := byARN[e.KeyMaterialIDFrom]
			switch {
			case pe.MultiRegionRole != bundle.RoleReplica:
				errs = append(errs, at(entryPath(i, "key_material_id_from"), fmt.Errorf("%w: the parameters say %s is %q, not a multi-Region REPLICA", ErrBinding, e.KeyARN, pe.MultiRegionRole)))
			case ok && from.MultiRegionRole != bundle.RolePrimary:
				errs = append(errs, at(entryPath(i, "key_material_id_from"), fmt.Errorf("%w: the parameters say %s is %q, not the multi-Region PRIMARY", ErrBinding, e.KeyMaterialIDFrom, from.MultiRegionRole)))
			}
		}
	}
	return errors.Join(errs...)
}

func againstAWSCLI(p *bundle.ImportPayload, raw []byte) error {
	if p.ParamsFormat != bundle.ParamsFormatAWSCLI {
		return fmt.Errorf("params_format: %w: %q, but the file is AWS CLI JSON", ErrBinding, p.ParamsFormat)
	}
	a, err := bundle.ParseAWSCLIParams(raw)
	if err != nil {
		return fmt.Errorf("parameters file: %w", err)
	}
	if len(p.Entries) != 1 {
		return fmt.Errorf("entries: %w: AWS CLI parameters cover one key, the bundle has %d entries", ErrBinding, len(p.Entries))
	}
	e := p.Entries[0]
	var errs []error
	if e.KeyARN != a.KeyID {
		errs = append(errs, at(entryPath(0, "key_arn"), fmt.Errorf("%w: %s, the parameters are for %s", ErrBinding, e.KeyARN, a.KeyID)))
	}
	pe := bundle.ParamsEntry{ParametersValidTo: a.ParametersValidTo}
	errs = append(errs, compareEntry(0, e, a.ImportToken, a.PublicKey, pe)...)
	if _, spec, err := kmsrules.WrappingPublicKey(a.PublicKey); err != nil {
		errs = append(errs, at("parameters file: PublicKey", err))
	} else if string(spec) != e.WrappingKeySpec {
		errs = append(errs, at(entryPath(0, "wrapping_key_spec"), fmt.Errorf("%w: %s, the parameters' public key is %s", ErrBinding, e.WrappingKeySpec, spec)))
	}
	return errors.Join(errs...)
}

func compareEntry(i int, e bundle.ImportEntry, token, pub []byte, pe bundle.ParamsEntry) []error {
	var errs []error
	if !bytes.Equal(e.ImportToken, token) {
		errs = append(errs, at(entryPath(i, "import_token"), fmt.Errorf("%w: not the token in the parameters", ErrBinding)))
	}
	if got := bundle.SHA256Hex(pub); got != e.WrappingPublicKeySHA256 {
		errs = append(errs, at(entryPath(i, "wrapping_public_key_sha256"), fmt.Errorf("%w: the parameters' public key has SHA-256 %s", ErrBinding, got)))
	}
	if !e.ParametersValidTo.Equal(pe.ParametersValidTo) {
		errs = append(errs, at(entryPath(i, "parameters_valid_to"), fmt.Errorf("%w: %s, the parameters say %s", ErrBinding,
			e.ParametersValidTo.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"), pe.ParametersValidTo.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"))))
	}
	return errs
}
