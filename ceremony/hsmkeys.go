package ceremony

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
)

// checkKeys finds every HSM key and the signer and checks each against its
// entry before anything is wrapped, reporting every problem at once.
func (r *run) checkKeys(context.Context) error {
	var errs []error
	find := r.keyFinder()
	for _, e := range r.p.entries {
		if err := r.checkKey(e, find); err != nil {
			errs = append(errs, err)
		}
	}
	signer, err := r.tok.FindSigner(r.o.SignerLabel)
	if err != nil {
		errs = append(errs, fmt.Errorf("--signer %q: %w", r.o.SignerLabel, err))
	} else {
		r.signer = signer
		der, err := x509.MarshalPKIXPublicKey(signer.Public())
		if err != nil {
			errs = append(errs, fmt.Errorf("--signer %q: public key: %w", r.o.SignerLabel, err))
		} else if err := r.record("signer", map[string]any{
			"label":             signer.Label(),
			"algorithm":         signer.Algorithm(),
			"public_key_sha256": bundle.SHA256Hex(der),
		}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *run) checkKey(e *entry, find func(string) (*hsm.Key, error)) error {
	key, err := r.findEntryKey(e, find)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", e.path, e.selection(), err)
	}
	e.key = key
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %w: "+format, append([]any{e.path, ErrHSMKey}, args...)...))
	}
	switch {
	case key.KeySpec == "":
		bad("HSM key %q matches no importable KMS key spec", e.label)
	case e.spec == "":
		e.spec = kmsrules.KeySpec(key.KeySpec) // AWS CLI JSON without --key-spec: the HSM key decides
		if err := kmsrules.CheckFit(e.spec, e.alg, e.wrappingKeySpec); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.path, err))
		}
	case key.KeySpec != string(e.spec):
		bad("HSM key %q is %s but the KMS key is %s", e.label, key.KeySpec, e.spec)
	}
	if !key.Extractable {
		bad("HSM key %q is not extractable (CKA_EXTRACTABLE false), so it cannot be wrapped", e.label)
	}
	accepted := !key.Sensitive && slices.Contains(r.o.AllowNonSensitive, e.label)
	if !key.Sensitive && !accepted {
		errs = append(errs, fmt.Errorf("%s: %w: HSM key %q has CKA_SENSITIVE false, so its material may already exist outside the HSM; wrap it only if the operators accept that (--allow-nonsensitive-key %s)",
			e.path, ErrNonSensitive, e.label, e.label))
	}
	if len(errs) == 0 {
		if err := fits(e, key.MaterialLen); err != nil {
			errs = append(errs, err)
		}
		if err := r.tokenCan(e); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	f := map[string]any{
		"entry":        e.path,
		"label":        key.Label,
		"id":           hex.EncodeToString(key.ID),
		"key_spec":     key.KeySpec,
		"check_method": CheckMethod(key.CheckMethod),
		"check_value":  hex.EncodeToString(key.CheckValue),
		"extractable":  key.Extractable,
		"sensitive":    key.Sensitive,
	}
	if accepted {
		// The operators said, with --allow-nonsensitive-key, that they wrap
		// this key knowing its material could have been read in the clear.
		f["nonsensitive_accepted_by_operators"] = true
	}
	return r.record("hsm.key", f)
}

// tokenCan asks the token whether it wraps this key with the entry's
// algorithm correctly (its own self-test verdict): refuse what it would get wrong.
func (r *run) tokenCan(e *entry) error {
	mech, err := WrapMechanism(e.alg)
	if err != nil {
		return fmt.Errorf("%s: %w", e.path, err)
	}
	if err := r.tok.CanWrap(e.key, mech); err != nil {
		var no *hsm.CannotWrapError
		if errors.As(err, &no) {
			return fmt.Errorf("%s: %w: %s: %s", e.path, ErrTokenCannot, e.alg, no.Reason)
		}
		return fmt.Errorf("%s: %w", e.path, err)
	}
	return nil
}
