package ceremony

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
)

// TestPlanCheckInventory: ceremony check's answer from the signed key
// inventory (SPEC.md R51), without the token: a key selected by label
// alone that two keys share, or by an id no key has, is refused; so is one
// that is not importable; a key by label and id passes with its check
// value; a file without an inventory checks nothing.
func TestPlanCheckInventory(t *testing.T) {
	caps := &bundle.Capabilities{CreatedAt: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Keys: []bundle.CapabilityKey{
		{Label: "twin", ID: "01", KeySpec: "SYMMETRIC_DEFAULT", CheckValue: "aabbcc", CheckMethod: bundle.CheckMethodAESKCV, Importable: true},
		{Label: "twin", ID: "02", KeySpec: "SYMMETRIC_DEFAULT", CheckValue: "ddeeff", CheckMethod: bundle.CheckMethodAESKCV, Importable: true},
		{Label: "locked", ID: "03", KeySpec: "SYMMETRIC_DEFAULT", NotImportable: "CKA_EXTRACTABLE is false"},
	}}
	p := &Plan{Keys: []PlanKey{
		{Field: "keys[0]", Label: "twin"},
		{Field: "keys[1]", Label: "twin", ID: []byte{0x02}, CheckValue: []byte{0xdd, 0xee, 0xff}},
		{Field: "keys[2]", ID: []byte{0x09}},
		{Field: "keys[3]", Label: "locked"},
		{Field: "keys[4]", Label: "fresh", Generate: "SYMMETRIC_DEFAULT"},
		// A replica's item: the key keys[4] generates, not there before the run.
		{Field: "keys[5]", Label: "fresh"},
		// The same by CKA_ID: no generated key has a known id, so it is refused.
		{Field: "keys[6]", Label: "fresh", ID: []byte{0x0f}},
	}}
	got := map[string]error{}
	p.checkInventory(caps, func(field string, err error) { got[field] = err })
	require.Len(t, got, 4, "problems: %v", got)
	assert.ErrorIs(t, got["keys[6]"], hsm.ErrKeyNotFound)
	assert.ErrorIs(t, got["keys[0]"], hsm.ErrDuplicateLabel)
	assert.ErrorContains(t, got["keys[0]"], `2 keys with label "twin" in the token's inventory of 2026-11-30T12:00:00Z`)
	assert.ErrorIs(t, got["keys[2]"], hsm.ErrKeyNotFound)
	assert.ErrorContains(t, got["keys[2]"], "no key with CKA_ID 09")
	assert.ErrorIs(t, got["keys[3]"], ErrHSMKey)
	assert.ErrorContains(t, got["keys[3]"], "CKA_EXTRACTABLE is false")

	caps.Keys = nil
	got = map[string]error{}
	p.checkInventory(caps, func(field string, err error) { got[field] = err })
	assert.Empty(t, got, "a file without an inventory")
}
