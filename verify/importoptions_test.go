package verify

import (
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

// R27 extended: a KeyMaterialId only on a symmetric key, and only with
// EXISTING_KEY_MATERIAL (it names material already on the key).
func TestCheckImportMaterialID(t *testing.T) {
	require.NoError(t, CheckImport(validPayload(t, "valid-reimport.json"), now))

	p := validPayload(t, "valid-reimport.json")
	p.Entries[0].ImportType = bundle.ImportNew
	err := CheckImport(p, now)
	require.ErrorIs(t, err, ErrInconsistent)
	require.ErrorIs(t, err, kmsrules.ErrKeyMaterialID)
	require.Contains(t, err.Error(), "entries[0].key_material_id: fields disagree: key material id is not acceptable: a key material id names material already on the key, so it goes only with import type EXISTING_KEY_MATERIAL")

	p = validPayload(t, "valid-reimport.json")
	p.Entries[0].ImportType = ""
	require.ErrorIs(t, CheckImport(p, now), kmsrules.ErrKeyMaterialID)

	three := validPayload(t, "valid-three-entries.json")
	three.Entries[2].ImportType = bundle.ImportExisting
	three.Entries[2].KeyMaterialID = p.Entries[0].KeyMaterialID
	err = CheckImport(three, now)
	require.ErrorIs(t, err, kmsrules.ErrKeyMaterialID)
	require.Contains(t, err.Error(), "entries[2].key_material_id: fields disagree: key material id is not acceptable: only symmetric keys take a key material id")
	require.Contains(t, err.Error(), "entries[2].import_type: fields disagree: import type is not acceptable: only symmetric keys take an import type")
}
