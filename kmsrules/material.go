package kmsrules

import (
	"errors"
	"fmt"
	"strings"
)

// ImportKeyMaterial's ImportType values (docs/KMS-FACTS.md, "Expiry and the
// newer fields").
const (
	ImportNew      = "NEW_KEY_MATERIAL"
	ImportExisting = "EXISTING_KEY_MATERIAL"
)

// MaxDescriptionLen is the longest KeyMaterialDescription KMS takes.
const MaxDescriptionLen = 256

// KeyMaterialIDLen is the length of a KeyMaterialId: 64 lowercase hex
// characters, computed by KMS.
const KeyMaterialIDLen = 64

// DescriptionChars is KMS's KeyMaterialDescription alphabet ([a-zA-Z0-9:/_\s.-]).
const DescriptionChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/_.- \t\n\r\f\v"

// Sentinel errors of the import options (ImportType, KeyMaterialDescription,
// KeyMaterialId).
var (
	ErrImportType          = errors.New("import type is not acceptable")
	ErrMaterialDescription = errors.New("key material description is not acceptable")
	ErrKeyMaterialID       = errors.New("key material id is not acceptable")
)

// ImportOptions are ImportKeyMaterial's optional fields for one key.
type ImportOptions struct {
	ImportType  string // "", ImportNew or ImportExisting
	Description string
	MaterialID  string // KeyMaterialId, 64 lowercase hex
	// MaterialIDFrom: the ARN of the multi-Region primary whose
	// NEW_KEY_MATERIAL import (in the same bundle) returns the KeyMaterialId
	// this replica's EXISTING_KEY_MATERIAL import names (CheckMaterialIDFrom).
	MaterialIDFrom string
}

// Field names of ImportOptions, as the bundle names them; CheckImportOptions
// returns its problems keyed by these.
const (
	FieldImportType     = "import_type"
	FieldDescription    = "key_material_description"
	FieldMaterialID     = "key_material_id"
	FieldMaterialIDFrom = "key_material_id_from"
)

// IsKeyMaterialID reports whether s has a KeyMaterialId's form.
func IsKeyMaterialID(s string) bool {
	if len(s) != KeyMaterialIDLen {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// CheckDescription checks a KeyMaterialDescription's length and alphabet.
func CheckDescription(s string) error {
	if s == "" || len(s) > MaxDescriptionLen || strings.Trim(s, DescriptionChars) != "" {
		return fmt.Errorf("%w: want 1 to %d characters of a-z A-Z 0-9 : / _ . - and white space", ErrMaterialDescription, MaxDescriptionLen)
	}
	return nil
}

// CheckImportOptions checks the import options of one key of kind k (R27):
// they are for symmetric keys only; ImportType is NEW_KEY_MATERIAL or
// EXISTING_KEY_MATERIAL; a KeyMaterialId is 64 lowercase hex and names
// material already on the key, so it goes only with EXISTING_KEY_MATERIAL.
// Every problem is returned, keyed by its field (FieldImportType, ...).
func CheckImportOptions(k Kind, o ImportOptions) map[string]error {
	errs := map[string]error{}
	sym := k == KindSymmetric
	if o.ImportType != "" {
		switch {
		case !sym:
			errs[FieldImportType] = fmt.Errorf("%w: only symmetric keys take an import type", ErrImportType)
		case o.ImportType != ImportNew && o.ImportType != ImportExisting:
			errs[FieldImportType] = fmt.Errorf("%w: %q, want %s or %s", ErrImportType, o.ImportType, ImportNew, ImportExisting)
		}
	}
	if o.Description != "" {
		if !sym {
			errs[FieldDescription] = fmt.Errorf("%w: only symmetric keys take a key material description", ErrMaterialDescription)
		} else if err := CheckDescription(o.Description); err != nil {
			errs[FieldDescription] = err
		}
	}
	if o.MaterialID != "" {
		switch {
		case !sym:
			errs[FieldMaterialID] = fmt.Errorf("%w: only symmetric keys take a key material id", ErrKeyMaterialID)
		case !IsKeyMaterialID(o.MaterialID):
			errs[FieldMaterialID] = fmt.Errorf("%w: want %d lowercase hex characters", ErrKeyMaterialID, KeyMaterialIDLen)
		case o.ImportType != ImportExisting:
			errs[FieldMaterialID] = fmt.Errorf("%w: a key material id names material already on the key, so it goes only with import type %s", ErrKeyMaterialID, ImportExisting)
		}
	}
	if o.MaterialIDFrom != "" {
		switch {
		case !sym:
			errs[FieldMaterialIDFrom] = fmt.Errorf("%w: only symmetric keys take a key material id", ErrKeyMaterialID)
		case o.MaterialID != "":
			errs[FieldMaterialIDFrom] = fmt.Errorf("%w: %s and %s exclude each other: the id is either known or the one the primary's import returns", ErrKeyMaterialID, FieldMaterialID, FieldMaterialIDFrom)
		case o.ImportType != ImportExisting:
			errs[FieldMaterialIDFrom] = fmt.Errorf("%w: a replica takes its primary's new material as import type %s", ErrKeyMaterialID, ImportExisting)
		default:
			if _, err := ParseARN(o.MaterialIDFrom); err != nil {
				errs[FieldMaterialIDFrom] = fmt.Errorf("%w: %w", ErrKeyMaterialID, err)
			}
		}
	}
	return errs
}

// MaterialSource is what CheckMaterialIDFrom needs of an entry of the same
// import: its key ARN, import type and the HSM key's check value.
type MaterialSource struct {
	ARN, ImportType, CheckValue string
}

// CheckMaterialIDFrom checks a replica's key_material_id_from against the
// entry it names (R52): a multi-Region key's NEW_KEY_MATERIAL import in the
// same bundle, of the same key id in another Region, of the same HSM key
// (the same check value). KMS imports a multi-Region key's material into
// each Region separately: the replica takes the very material the primary
// takes, as EXISTING_KEY_MATERIAL with the KeyMaterialId the primary's
// import returns. from is nil when no entry has that ARN.
func CheckMaterialIDFrom(replica MaterialSource, from *MaterialSource) error {
	r, err := ParseARN(replica.ARN)
	if err != nil {
		return nil // the entry's own ARN is reported where it is read
	}
	switch {
	case from == nil:
		return fmt.Errorf("%w: names no entry of this bundle", ErrKeyMaterialID)
	case from.ARN == replica.ARN:
		return fmt.Errorf("%w: names its own entry", ErrKeyMaterialID)
	case from.ImportType != ImportNew:
		return fmt.Errorf("%w: %s imports with import type %q, want %s (the primary's new material)", ErrKeyMaterialID, from.ARN, from.ImportType, ImportNew)
	}
	p, err := ParseARN(from.ARN)
	switch {
	case err != nil:
		return nil // reported at that entry
	case !r.MultiRegion() || p.KeyID != r.KeyID || p.Account != r.Account || p.Partition != r.Partition:
		return fmt.Errorf("%w: %s is not another Region of the same multi-Region key", ErrKeyMaterialID, from.ARN)
	case from.CheckValue != replica.CheckValue:
		return fmt.Errorf("%w: %s imports another HSM key (check value %s, this entry's %s): a replica takes the same material", ErrKeyMaterialID, from.ARN, from.CheckValue, replica.CheckValue)
	}
	return nil
}
