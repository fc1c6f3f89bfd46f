package verify

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
)

// CheckImport checks an import payload's own consistency (SPEC.md R21-R31),
// reporting every problem at once. It does not check signatures
// (VerifyEnvelope) nor the parameters it answers (CheckImportAgainstParams).
func CheckImport(p *bundle.ImportPayload, now time.Time) error {
	if p == nil || len(p.Entries) == 0 {
		return fmt.Errorf("entries: %w: no entries", bundle.ErrMalformed)
	}
	var errs []error
	seen := map[string]int{}
	for i, e := range p.Entries {
		errs = append(errs, checkImportEntry(i, e, now)...)
		if j, dup := seen[e.KeyARN]; dup {
			errs = append(errs, at(entryPath(i, "key_arn"), fmt.Errorf("%w: also entries[%d]", ErrDuplicateKey, j)))
		} else {
			seen[e.KeyARN] = i
		}
	}
	// R52: a replica's key_material_id_from names the primary's new
	// material in this bundle, of the same HSM key.
	for i, e := range p.Entries {
		if e.KeyMaterialIDFrom == "" {
			continue
		}
		var from *kmsrules.MaterialSource
		if j, ok := seen[e.KeyMaterialIDFrom]; ok {
			f := p.Entries[j]
			from = &kmsrules.MaterialSource{ARN: f.KeyARN, ImportType: f.ImportType, CheckValue: f.HSMKey.CheckValue}
		}
		if err := kmsrules.CheckMaterialIDFrom(kmsrules.MaterialSource{ARN: e.KeyARN, ImportType: e.ImportType, CheckValue: e.HSMKey.CheckValue}, from); err != nil {
			errs = append(errs, at(entryPath(i, kmsrules.FieldMaterialIDFrom), fmt.Errorf("%w: %w", ErrInconsistent, err)))
		}
	}
	return errors.Join(errs...)
}

func checkImportEntry(i int, e bundle.ImportEntry, now time.Time) []error {
	var errs []error
	add := func(field string, err error) { errs = append(errs, at(entryPath(i, field), err)) }
	if _, err := kmsrules.ParseARN(e.KeyARN); err != nil {
		add("key_arn", err)
	}
	r, specErr := kmsrules.ParseKeySpec(e.KeySpec)
	if specErr != nil {
		add("key_spec", specErr)
	}
	alg, algErr := kmsrules.ParseWrappingAlgorithm(e.WrappingAlgorithm)
	if algErr != nil {
		add("wrapping_algorithm", algErr)
	}
	wk, wrapErr := kmsrules.ParseWrappingKeySpec(e.WrappingKeySpec)
	if wrapErr != nil {
		add("wrapping_key_spec", wrapErr)
	}
	if specErr == nil && algErr == nil && wrapErr == nil {
		if err := kmsrules.CheckFit(r, alg, wk); err != nil {
			add("wrapping_algorithm", err)
		} else if err := kmsrules.CheckWrappedLen(r, alg, wk, len(e.EncryptedKeyMaterial)); err != nil {
			add("encrypted_key_material", err)
		}
	}
	if err := kmsrules.CheckBlobSize(e.ImportToken); err != nil {
		add("import_token", err)
	}
	if err := kmsrules.CheckBlobSize(e.EncryptedKeyMaterial); err != nil {
		add("encrypted_key_material", err)
	}
	if err := kmsrules.CheckValidTo(e.ExpirationModel, e.ValidTo, now); err != nil {
		add("valid_to", err)
	}
	if !e.ParametersValidTo.After(now) {
		add("parameters_valid_to", fmt.Errorf("%w: at %s",
			ErrParamsExpired, e.ParametersValidTo.UTC().Format(time.RFC3339)))
	}
	if specErr == nil {
		// R27: the import options, by kmsrules (one home).
		probs := kmsrules.CheckImportOptions(r.Kind(), kmsrules.ImportOptions{
			ImportType: e.ImportType, Description: e.KeyMaterialDescription, MaterialID: e.KeyMaterialID, MaterialIDFrom: e.KeyMaterialIDFrom,
		})
		for _, f := range []string{kmsrules.FieldImportType, kmsrules.FieldDescription, kmsrules.FieldMaterialID, kmsrules.FieldMaterialIDFrom} {
			if err := probs[f]; err != nil {
				add(f, fmt.Errorf("%w: %w", ErrInconsistent, err))
			}
		}
		for _, err := range checkProof(e, r) {
			add("proof", err)
		}
		if err := checkCheckValue(e, r); err != nil {
			add("hsm_key", err)
		}
	}
	return errs
}

func checkProof(e bundle.ImportEntry, r kmsrules.KeySpec) []error {
	var errs []error
	pr := e.Proof
	hasMAC := pr.MACAlgorithm != "" || pr.Challenge != nil || pr.MAC != nil
	switch r.Kind() {
	case kmsrules.KindSymmetric:
		if hasMAC || pr.PublicKey != nil {
			errs = append(errs, fmt.Errorf("%w: symmetric keys carry no proof", ErrProof))
		}
	case kmsrules.KindHMAC:
		if pr.PublicKey != nil {
			errs = append(errs, fmt.Errorf("%w: an HMAC key has no public key", ErrProof))
		}
		if pr.MACAlgorithm != r.MACAlgorithm() {
			errs = append(errs, fmt.Errorf("%w: mac_algorithm %q, want %s for %s", ErrProof, pr.MACAlgorithm, r.MACAlgorithm(), r))
		}
		if len(pr.Challenge) < 16 {
			errs = append(errs, fmt.Errorf("%w: challenge of %d bytes, want 16 to %d", ErrProof, len(pr.Challenge), bundle.MaxChallengeSize))
		}
		if len(pr.MAC) != r.MACHash().Size() {
			errs = append(errs, fmt.Errorf("%w: MAC of %d bytes, %s gives %d", ErrProof, len(pr.MAC), r.MACAlgorithm(), r.MACHash().Size()))
		}
	case kmsrules.KindRSA, kmsrules.KindEC:
		if hasMAC {
			errs = append(errs, fmt.Errorf("%w: an asymmetric key carries no MAC proof", ErrProof))
		}
		if pr.PublicKey == nil {
			errs = append(errs, fmt.Errorf("%w: public_key missing (needed to prove the import with GetPublicKey)", ErrProof))
		} else if err := checkSPKIForSpec(pr.PublicKey, r); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// checkCheckValue: the method fits the key kind; for spki-sha256 the value
// is the SHA-256 of the proof's public key.
func checkCheckValue(e bundle.ImportEntry, r kmsrules.KeySpec) error {
	want, hexLen := bundle.CheckMethodSPKISHA256, 64
	switch r.Kind() {
	case kmsrules.KindSymmetric:
		want, hexLen = bundle.CheckMethodAESKCV, 6
	case kmsrules.KindHMAC:
		want, hexLen = bundle.CheckMethodHMAC, 16
	}
	k := e.HSMKey
	switch {
	case k.CheckMethod != want:
		return fmt.Errorf("%w: check_method %q, want %s for %s", ErrInconsistent, k.CheckMethod, want, r)
	case len(k.CheckValue) != hexLen:
		return fmt.Errorf("%w: check_value of %d hex digits, %s gives %d", ErrInconsistent, len(k.CheckValue), want, hexLen)
	case want == bundle.CheckMethodSPKISHA256 && e.Proof.PublicKey != nil && k.CheckValue != bundle.SHA256Hex(e.Proof.PublicKey):
		return fmt.Errorf("%w: check_value is not the SHA-256 of proof.public_key", ErrProof)
	}
	return nil
}
