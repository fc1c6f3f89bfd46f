package kmstest

import (
	"testing"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"
)

// airwrap-online's own calls work against the model: Prepare creates a
// multi-Region primary, checks it and fetches parameters with its default
// RSA_4096 wrapping key; the material wrapped under them imports; Status
// lists the key's materials from ListKeyRotations.
func TestModelServesKmsimport(t *testing.T) {
	m, c := modelClient(t, 1)
	p, err := kmsimport.Prepare(ctx, c, kmsimport.PrepareRequest{
		Create: &kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "model", MultiRegion: true},
		Rate:   100, ToolVersion: "test",
	})
	require.NoError(t, err, "kmsimport.Prepare against the model")
	require.Len(t, p.Entries, 1)
	e := p.Entries[0]
	require.Equal(t, "RSA_4096", e.WrappingKeySpec)
	require.True(t, e.MultiRegion)
	require.Equal(t, "PRIMARY", e.MultiRegionRole)
	require.Equal(t, Region, e.Region)

	mat := random(32)
	in := imp{}.input(e.KeyARN, &kms.GetParametersForImportOutput{ImportToken: e.ImportToken}, wrap(t, e.PublicKey, e.WrappingAlgorithm, mat), m.Now())
	out, err := c.ImportKeyMaterial(ctx, in)
	require.NoError(t, err, "import with Prepare's parameters")

	st, err := kmsimport.Status(ctx, c, []string{e.KeyARN}, m.Now())
	require.NoError(t, err, "kmsimport.Status against the model")
	require.Len(t, st, 1)
	require.Empty(t, st[0].MaterialsNote, "the model lists key materials")
	require.Len(t, st[0].Materials, 1)
	require.Equal(t, aws.ToString(out.KeyMaterialId), st[0].Materials[0].KeyMaterialID)
	require.Equal(t, "CURRENT", st[0].Materials[0].State)
	require.Equal(t, "IMPORTED", st[0].Materials[0].ImportState)
}
