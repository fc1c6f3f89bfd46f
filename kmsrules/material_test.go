package kmsrules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckImportOptions(t *testing.T) {
	id := strings.Repeat("0a", 32)
	require.Empty(t, CheckImportOptions(KindSymmetric, ImportOptions{}))
	require.Empty(t, CheckImportOptions(KindSymmetric, ImportOptions{ImportType: ImportNew, Description: "payments 2027"}))
	require.Empty(t, CheckImportOptions(KindSymmetric, ImportOptions{ImportType: ImportExisting, MaterialID: id}))

	got := CheckImportOptions(KindHMAC, ImportOptions{ImportType: ImportExisting, Description: "x", MaterialID: id})
	require.Len(t, got, 3)
	require.ErrorIs(t, got[FieldImportType], ErrImportType)
	require.ErrorIs(t, got[FieldDescription], ErrMaterialDescription)
	require.ErrorIs(t, got[FieldMaterialID], ErrKeyMaterialID)

	got = CheckImportOptions(KindSymmetric, ImportOptions{ImportType: "NEW", Description: "a;b", MaterialID: strings.ToUpper(id)})
	require.Len(t, got, 3)
	require.EqualError(t, got[FieldImportType], `import type is not acceptable: "NEW", want NEW_KEY_MATERIAL or EXISTING_KEY_MATERIAL`)
	require.EqualError(t, got[FieldDescription], "key material description is not acceptable: want 1 to 256 characters of a-z A-Z 0-9 : / _ . - and white space")
	require.EqualError(t, got[FieldMaterialID], "key material id is not acceptable: want 64 lowercase hex characters")

	got = CheckImportOptions(KindSymmetric, ImportOptions{ImportType: ImportNew, MaterialID: id})
	require.ErrorIs(t, got[FieldMaterialID], ErrKeyMaterialID)
	require.Len(t, got, 1)

	require.ErrorIs(t, CheckDescription(strings.Repeat("a", 257)), ErrMaterialDescription)
	require.NoError(t, CheckDescription(strings.Repeat("a", 256)))
	require.True(t, IsKeyMaterialID(id))
	require.False(t, IsKeyMaterialID(id[:63]+"g"))
}
