package record

import (
	"strings"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/stretchr/testify/require"
)

// What an import is (reimport, rotation, a replica's share) is on the record
// the officers sign, not only in the bundle; a first import shows none of it.
func TestRecordShowsImportOptions(t *testing.T) {
	const primary = "arn:aws:kms:eu-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
	id := strings.Repeat("ab", 32)
	f := &facts{p: &bundle.ImportPayload{Entries: []bundle.ImportEntry{
		{KeyARN: primary, ImportType: "NEW_KEY_MATERIAL", KeyMaterialDescription: "orders 2027"},
		{KeyARN: strings.Replace(primary, "eu-west-2", "us-east-1", 1), ImportType: "EXISTING_KEY_MATERIAL", KeyMaterialIDFrom: primary},
		{KeyARN: "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", ImportType: "EXISTING_KEY_MATERIAL", KeyMaterialID: id},
		{KeyARN: "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ac"},
	}}}
	rows := func(i int) map[string]string {
		out := map[string]string{}
		for _, r := range f.key(i).Rows {
			out[r.Name] = r.Value
		}
		return out
	}
	r := rows(0)
	require.Equal(t, "NEW_KEY_MATERIAL", r["Import type"])
	require.Equal(t, "orders 2027", r["Key material description"])
	r = rows(1)
	require.Equal(t, "EXISTING_KEY_MATERIAL", r["Import type"])
	require.Contains(t, r["Key material id"], primary)
	require.Equal(t, id, rows(2)["Key material id (reimported)"])
	for name := range rows(3) {
		require.NotContains(t, name, "Import type")
		require.NotContains(t, name, "Key material id")
	}
}
