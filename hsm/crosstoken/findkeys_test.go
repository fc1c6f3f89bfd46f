package crosstoken

import (
	"bytes"
	"errors"
	"testing"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
	"github.com/stretchr/testify/assert"
)

// TestFindKeysAnswersAsFindKey: on opencryptoki and NSS too, a batch
// lookup (which reads a lone match's class with its attributes, and falls
// back where the token refuses that read) gives, label by label, what
// FindKey gives.
func TestFindKeysAnswersAsFindKey(t *testing.T) {
	for _, row := range makers {
		if row.kind == hsmtest.KindSoftHSM {
			continue // SoftHSM's own: hsm.TestFindKeysAnswersAsFindKey
		}
		t.Run(row.kind, func(t *testing.T) {
			tok := open(t, row.new(t))
			var labels []string
			for _, spec := range row.specs {
				labels = append(labels, generate(t, tok, spec).Label)
			}
			labels = append(labels, "missing")
			keys, errs := tok.FindKeys(labels)
			for i, l := range labels {
				want, werr := tok.FindKey(l)
				switch {
				case werr != nil:
					assert.False(t, !errors.Is(werr, hsm.ErrKeyNotFound) || !errors.Is(errs[i], hsm.ErrKeyNotFound), "%s: FindKeys %v, FindKey %v", l, errs[i], werr)
				case errs[i] != nil:
					t.Errorf("%s: %v", l, errs[i])
				case keys[i].KeySpec != want.KeySpec || !bytes.Equal(keys[i].ID, want.ID) ||
					!bytes.Equal(keys[i].CheckValue, want.CheckValue) || keys[i].CheckMethod != want.CheckMethod:
					t.Errorf("%s: FindKeys %+v, FindKey %+v", l, keys[i], want)
				}
			}
		})
	}
}
