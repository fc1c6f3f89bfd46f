package ceremony

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsrules"
)

// The import options of a wrap: ImportType, KeyMaterialDescription and
// KeyMaterialId, per KMS key. Each value is "VALUE" for the only entry or
// "ARN=VALUE" for one entry (as --key takes LABEL or ARN=LABEL; no value of
// these three contains '='). The rules are kmsrules.CheckImportOptions'.

// Import option flags, as `wrap` names them.
const (
	FlagImportType  = "--import-type"
	FlagDescription = "--key-material-description"
	FlagMaterialID  = "--key-material-id"
)

// splitPerKey reads one "VALUE" or "ARN=VALUE".
func splitPerKey(s string) (arn, value string) {
	if strings.HasPrefix(s, "arn:") {
		if a, v, ok := strings.Cut(s, "="); ok {
			return a, v
		}
	}
	return "", s
}

// importOptions gathers Options' import option values by ARN ("" for the
// only entry), with every problem of form: a value given twice for one key,
// an unnamed value among several, and what kmsrules says of each key's
// options taken as a symmetric key's (the key spec is checked in validate).
func (o *Options) importOptions() (map[string]*kmsrules.ImportOptions, error) {
	var errs []error
	bad := func(msg string, args ...any) {
		errs = append(errs, errmark.With(fmt.Errorf(msg, args...), ErrInvalidRequest))
	}
	byARN := map[string]*kmsrules.ImportOptions{}
	var order []string
	for _, f := range []struct {
		flag   string
		values []string
		field  func(*kmsrules.ImportOptions) *string
	}{
		{FlagImportType, o.ImportType, func(io *kmsrules.ImportOptions) *string { return &io.ImportType }},
		{FlagDescription, o.KeyMaterialDescription, func(io *kmsrules.ImportOptions) *string { return &io.Description }},
		{FlagMaterialID, o.KeyMaterialID, func(io *kmsrules.ImportOptions) *string { return &io.MaterialID }},
	} {
		unnamed := 0
		for _, s := range f.values {
			arn, v := splitPerKey(s)
			if arn == "" {
				unnamed++
			}
			if arn != "" {
				if _, err := kmsrules.ParseARN(arn); err != nil {
					bad("%s %s: %w", f.flag, arn, err)
					continue
				}
			}
			io := byARN[arn]
			if io == nil {
				io = &kmsrules.ImportOptions{}
				byARN[arn] = io
				order = append(order, arn)
			}
			p := f.field(io)
			switch {
			case *p != "":
				bad("%s given twice for %s", f.flag, keyName(arn))
			case v == "":
				bad("%s for %s is empty", f.flag, keyName(arn))
			default:
				*p = v
			}
		}
		if unnamed > 0 && len(f.values) > unnamed {
			bad("%s: give ARN=VALUE for each key, or one VALUE for a single entry, not both", f.flag)
		}
	}
	flagOf := map[string]string{kmsrules.FieldImportType: FlagImportType, kmsrules.FieldDescription: FlagDescription, kmsrules.FieldMaterialID: FlagMaterialID}
	for _, arn := range order {
		probs := kmsrules.CheckImportOptions(kmsrules.KindSymmetric, *byARN[arn])
		for _, field := range []string{kmsrules.FieldImportType, kmsrules.FieldDescription, kmsrules.FieldMaterialID} {
			if err := probs[field]; err != nil {
				errs = append(errs, errmark.With(fmt.Errorf("%s for %s: %w", flagOf[field], keyName(arn), err), ErrInvalidRequest))
			}
		}
	}
	return byARN, errors.Join(errs...)
}

func keyName(arn string) string {
	if arn == "" {
		return "the only entry"
	}
	return arn
}

// applyImportOptions gives each entry its import options and checks them
// against the entry's key spec (symmetric keys only) and the parameters
// (every ARN named has an entry; an unnamed value needs a single entry).
func applyImportOptions(entries []*entry, byARN map[string]*kmsrules.ImportOptions) error {
	if len(entries) == 0 || len(byARN) == 0 {
		return nil
	}
	var errs []error
	known := map[string]bool{}
	for _, e := range entries {
		known[e.arn] = true
	}
	for _, arn := range slices.Sorted(maps.Keys(byARN)) {
		switch {
		case arn == "" && len(entries) > 1:
			errs = append(errs, fmt.Errorf("%w: %s, %s or %s without an ARN, but the parameters hold %d entries: give ARN=VALUE", ErrInvalidRequest, FlagImportType, FlagDescription, FlagMaterialID, len(entries)))
		case arn == "":
			entries[0].importOpts = *byARN[arn]
		case !known[arn]:
			errs = append(errs, fmt.Errorf("%w: import options for %s: no entry for this ARN in the parameters", ErrInvalidRequest, arn))
		}
	}
	for _, e := range entries {
		if io, ok := byARN[e.arn]; ok {
			e.importOpts = *io
		}
		if e.spec == "" || e.spec.Kind() == kmsrules.KindSymmetric || e.importOpts == (kmsrules.ImportOptions{}) {
			continue // unknown spec: checked once the HSM key is known (verify.CheckImport)
		}
		probs := kmsrules.CheckImportOptions(e.spec.Kind(), e.importOpts)
		for _, field := range []string{kmsrules.FieldImportType, kmsrules.FieldDescription, kmsrules.FieldMaterialID} {
			if err := probs[field]; err != nil {
				errs = append(errs, fmt.Errorf("%s (%s, %s): %w: %w", e.path, e.arn, e.spec, ErrInvalidRequest, err))
			}
		}
	}
	return errors.Join(errs...)
}

// regionsOf: the other entries that are Regions of e's multi-Region key
// (the same partition, account and mrk- key id; a different ARN).
func regionsOf(e *entry, entries []*entry) []*entry {
	var out []*entry
	if !e.keyARN.MultiRegion() {
		return nil
	}
	for _, o := range entries {
		if o != e && o.keyARN.KeyID == e.keyARN.KeyID && o.keyARN.Account == e.keyARN.Account && o.keyARN.Partition == e.keyARN.Partition {
			out = append(out, o)
		}
	}
	return out
}

// sameKeyPerRegion: KMS copies no imported material between the Regions of
// a multi-Region key, and each Region must hold the same material: the
// entries of one key wrap the same HSM key (the same --key label and
// CKA_ID), once per Region.
func sameKeyPerRegion(entries []*entry) error {
	var errs []error
	for _, e := range entries {
		for _, o := range regionsOf(e, entries) {
			if o.path < e.path || o.label == "" || e.label == "" {
				continue // each pair once; an unselected entry is reported by selectKeys
			}
			if o.label != e.label || !bytes.Equal(o.id, e.id) {
				errs = append(errs, fmt.Errorf("%w: %s (%s, HSM key %q) and %s (%s, HSM key %q) are Regions of one multi-Region key, which holds the same material in every Region: select the same HSM key for both", ErrKeySelection, e.path, e.arn, e.label, o.path, o.arn, o.label))
			}
		}
	}
	return errors.Join(errs...)
}

// shareNewMaterial: new material for a multi-Region key (NEW_KEY_MATERIAL)
// goes into its primary; each replica in these parameters takes the same
// material as EXISTING_KEY_MATERIAL naming the KeyMaterialId the primary's
// import will return (key_material_id_from, SPEC.md R52), and the primary's
// description unless it has its own. A replica given NEW_KEY_MATERIAL, or a
// KeyMaterialId of its own beside its primary's new material, is refused.
func shareNewMaterial(entries []*entry) error {
	var errs []error
	for _, e := range entries {
		if e.importOpts.ImportType != kmsrules.ImportNew || !e.keyARN.MultiRegion() {
			continue
		}
		if e.role == bundle.RoleReplica {
			errs = append(errs, fmt.Errorf("%w: %s (%s) is a multi-Region replica: new material goes into the primary with %s %s, and each replica takes it as %s", ErrInvalidRequest, e.path, e.arn, FlagImportType, kmsrules.ImportNew, kmsrules.ImportExisting))
			continue
		}
		for _, r := range regionsOf(e, entries) {
			switch {
			case r.importOpts.ImportType == kmsrules.ImportNew:
				errs = append(errs, fmt.Errorf("%w: %s and %s both take %s for one multi-Region key: give it to the primary only; each replica takes the primary's material", ErrInvalidRequest, e.arn, r.arn, kmsrules.ImportNew))
			case r.importOpts.MaterialID != "":
				errs = append(errs, fmt.Errorf("%w: %s %s for %s: this replica takes the new material of %s, whose KeyMaterialId KMS computes at its import", ErrInvalidRequest, FlagMaterialID, r.importOpts.MaterialID, r.arn, e.arn))
			default:
				r.importOpts.ImportType = kmsrules.ImportExisting
				r.importOpts.MaterialIDFrom = e.arn
				if r.importOpts.Description == "" {
					r.importOpts.Description = e.importOpts.Description
				}
			}
		}
	}
	return errors.Join(errs...)
}
