package verify

import (
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

// R52: a replica's key_material_id_from names the NEW_KEY_MATERIAL entry of
// another Region of the same multi-Region key in this bundle, wrapping the
// same HSM key; with import type EXISTING_KEY_MATERIAL, and no
// key_material_id beside it.
func TestCheckImportMaterialIDFrom(t *testing.T) {
	const replica = "entries[1].key_material_id_from: fields disagree: key material id is not acceptable: "
	require.NoError(t, CheckImport(validPayload(t, "valid-multi-region-rotation.json"), now))
	for _, c := range []struct {
		name string
		edit func(p *bundle.ImportPayload)
		want string
	}{
		{"names no entry", func(p *bundle.ImportPayload) {
			p.Entries[1].KeyMaterialIDFrom = "arn:aws:kms:ap-south-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
		}, replica + "names no entry of this bundle"},
		{"names itself", func(p *bundle.ImportPayload) { p.Entries[1].KeyMaterialIDFrom = p.Entries[1].KeyARN }, replica + "names its own entry"},
		{"primary not new", func(p *bundle.ImportPayload) { p.Entries[0].ImportType = bundle.ImportExisting },
			replica + "arn:aws:kms:eu-west-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0 imports with import type \"EXISTING_KEY_MATERIAL\", want NEW_KEY_MATERIAL"},
		{"another HSM key", func(p *bundle.ImportPayload) { p.Entries[1].HSMKey.CheckValue = "ffffff" },
			replica + "arn:aws:kms:eu-west-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0 imports another HSM key (check value d4e5f6, this entry's ffffff): a replica takes the same material"},
		{"another key", func(p *bundle.ImportPayload) {
			p.Entries[1].KeyARN = "arn:aws:kms:us-east-1:111122223333:key/mrk-00000000000000000000000000000000"
		}, replica + "arn:aws:kms:eu-west-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0 is not another Region of the same multi-Region key"},
		{"replica new", func(p *bundle.ImportPayload) { p.Entries[1].ImportType = bundle.ImportNew },
			replica + "a replica takes its primary's new material as import type EXISTING_KEY_MATERIAL"},
		{"with an id", func(p *bundle.ImportPayload) {
			p.Entries[1].KeyMaterialID = "9b1c1a0d6f3e4b2a8c7d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819203"
		}, replica + "key_material_id and key_material_id_from exclude each other"},
		{"not an ARN", func(p *bundle.ImportPayload) { p.Entries[1].KeyMaterialIDFrom = "mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0" },
			replica + "not a KMS key ARN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := validPayload(t, "valid-multi-region-rotation.json")
			c.edit(p)
			err := CheckImport(p, now)
			require.ErrorIs(t, err, ErrInconsistent)
			require.ErrorIs(t, err, kmsrules.ErrKeyMaterialID)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

// R33: against the parameters, key_material_id_from goes from a REPLICA to
// its PRIMARY, by the roles the parameters record.
func TestCheckImportAgainstParamsMaterialIDFromRoles(t *testing.T) {
	raw := readVector(t, "params/valid-multi-region.json")
	require.NoError(t, CheckImportAgainstParams(validPayload(t, "valid-multi-region-rotation.json"), raw))
	params, err := bundle.ParseParams(raw)
	require.NoError(t, err)
	params.Entries[0].MultiRegionRole, params.Entries[1].MultiRegionRole = bundle.RoleReplica, bundle.RolePrimary
	err = againstParsedParams(validPayload(t, "valid-multi-region-rotation.json"), params)
	require.ErrorIs(t, err, ErrBinding)
	require.ErrorContains(t, err, `entries[1].key_material_id_from: bundle binding does not hold: the parameters say arn:aws:kms:us-east-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0 is "PRIMARY", not a multi-Region REPLICA`)
	params.Entries[1].MultiRegionRole = bundle.RoleReplica
	err = againstParsedParams(validPayload(t, "valid-multi-region-rotation.json"), params)
	require.ErrorContains(t, err, `the parameters say arn:aws:kms:eu-west-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0 is "REPLICA", not the multi-Region PRIMARY`)
}
