package crosstoken

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFindKeyAnswersAsListKeys: on SoftHSM, opencryptoki and NSS, a key
// found by label (each match read in one C_GetAttributeValue into
// caller-sized buffers; an EC key's public point from the public half the
// same search found) is what listing the token says of it (an EC key's
// point found by a search by CKA_ID).
func TestFindKeyAnswersAsListKeys(t *testing.T) {
	for _, row := range makers {
		t.Run(row.kind, func(t *testing.T) {
			tok := open(t, row.new(t))
			for _, spec := range row.specs {
				generate(t, tok, spec)
			}
			list, err := tok.ListKeys()
			require.NoError(t, err)
			require.Len(t, list, len(row.specs))
			for _, want := range list {
				got, err := tok.FindKey(want.Label)
				require.NoError(t, err, want.Label)
				assert.Equal(t, want.KeySpec, got.KeySpec, want.Label)
				assert.Equal(t, want.ID, got.ID, want.Label)
				assert.Equal(t, want.CheckMethod, got.CheckMethod, want.Label)
				assert.Equal(t, want.CheckValue, got.CheckValue, want.Label)
				assert.Equal(t, want.PublicKey, got.PublicKey, want.Label)
				assert.Equal(t, want.MaterialLen, got.MaterialLen, want.Label)
				assert.Equal(t, [2]bool{want.Extractable, want.Sensitive}, [2]bool{got.Extractable, got.Sensitive}, want.Label)
				assert.NotEmpty(t, got.CheckValue, want.Label)
			}
		})
	}
}
