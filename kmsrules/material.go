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
}

// Field names of ImportOptions, as the bundle names them; CheckImportOptions
// returns its problems keyed by these.
const (
	FieldImportType  = "import_type"
	FieldDescription = "key_material_description"
	FieldMaterialID  = "key_material_id"
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
	return errs
}
