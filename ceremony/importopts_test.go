package ceremony

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/require"
)

var testMaterialID = strings.Repeat("3c", 32)

// Every import option problem is reported at once, before the token opens:
// form (kmsrules), a KeyMaterialId without EXISTING_KEY_MATERIAL, an option
// on an HMAC key, an ARN not in the parameters, a value given twice.
func TestImportOptionsValidatedBeforeHSM(t *testing.T) {
	m, err := ceremonytest.Params(now0.Add(-time.Hour), ceremonytest.Entry{}, ceremonytest.Entry{KeySpec: "HMAC_256"})
	require.NoError(t, err)
	o := baseOptions(t, m.Data)
	o.Keys = []KeySelect{{ARN: m.ARNs[0], Label: "a"}, {ARN: m.ARNs[1], Label: "b"}}
	nope := ceremonytest.ARN("eu-west-1")
	o.ImportType = []string{m.ARNs[0] + "=NEW_KEY_MATERIAL", m.ARNs[1] + "=EXISTING_KEY_MATERIAL", nope + "=NEW_KEY_MATERIAL"}
	o.KeyMaterialID = []string{m.ARNs[0] + "=" + testMaterialID}
	o.KeyMaterialDescription = []string{m.ARNs[0] + "=a;b", m.ARNs[0] + "=again"}
	_, err = Wrap(context.Background(), o)
	require.Error(t, err)
	msg := err.Error()
	require.ErrorIs(t, err, ErrInvalidRequest)
	require.ErrorIs(t, err, kmsrules.ErrKeyMaterialID)
	require.ErrorIs(t, err, kmsrules.ErrMaterialDescription)
	for _, want := range []string{
		"--key-material-id for " + m.ARNs[0] + ": key material id is not acceptable: a key material id names material already on the key, so it goes only with import type EXISTING_KEY_MATERIAL",
		"--key-material-description for " + m.ARNs[0] + ": key material description is not acceptable: want 1 to 256 characters",
		"--key-material-description given twice for " + m.ARNs[0],
	} {
		require.Contains(t, msg, want)
	}

	// Form right: what only the parameters can tell (the key spec, the ARNs).
	o.KeyMaterialID = []string{m.ARNs[0] + "=" + testMaterialID}
	o.ImportType = []string{m.ARNs[0] + "=EXISTING_KEY_MATERIAL", m.ARNs[1] + "=EXISTING_KEY_MATERIAL", nope + "=NEW_KEY_MATERIAL"}
	o.KeyMaterialDescription = []string{m.ARNs[0] + "=payments 2027"}
	_, err = Wrap(context.Background(), o)
	require.Error(t, err)
	require.ErrorIs(t, err, kmsrules.ErrImportType)
	require.Contains(t, err.Error(), "entries[1] ("+m.ARNs[1]+", HMAC_256): invalid wrap request: import type is not acceptable: only symmetric keys take an import type")
	require.Contains(t, err.Error(), "import options for "+nope+": no entry for this ARN in the parameters")

	// One unnamed value for several entries.
	o.ImportType, o.KeyMaterialID, o.KeyMaterialDescription = []string{"NEW_KEY_MATERIAL"}, nil, nil
	_, err = Wrap(context.Background(), o)
	require.ErrorContains(t, err, "without an ARN, but the parameters hold 2 entries: give ARN=VALUE")
}

func TestImportOptionsUsage(t *testing.T) {
	o := Options{SignerLabel: "s", Out: "o", Keys: []KeySelect{{Label: "k"}}, NoExpiry: true,
		ImportType: []string{"EXISTING", "arn:aws:kms:eu-west-1:111122223333:key/k=NEW_KEY_MATERIAL"}, KeyMaterialID: []string{""}}
	err := o.CheckUsage()
	require.ErrorIs(t, err, ErrInvalidRequest)
	require.ErrorContains(t, err, "--import-type: give ARN=VALUE for each key, or one VALUE for a single entry, not both")
	require.ErrorContains(t, err, `--import-type for the only entry: import type is not acceptable: "EXISTING", want NEW_KEY_MATERIAL or EXISTING_KEY_MATERIAL`)
	require.ErrorContains(t, err, "--key-material-id for the only entry is empty")

	o.ImportType, o.KeyMaterialID = []string{"EXISTING_KEY_MATERIAL"}, []string{testMaterialID}
	require.NoError(t, o.CheckUsage())
}

// A plan's key item carries the import options; their problems are
// reported at the plan's keys, before any token is opened.
func TestPlanImportOptions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`version: 1
signer: s
out: import.json
record: r.pdf
no_expiry: true
keys:
  - label: payments
    import_type: NEW_KEY_MATERIAL
    key_material_id: `+testMaterialID+`
    key_material_description: "payments; 2027"
`), 0o644))
	_, err := LoadPlan(path, time.Now())
	require.Error(t, err)
	var pp *PlanProblem
	require.ErrorAs(t, err, &pp)
	all := err.Error()
	require.Contains(t, all, "keys: --key-material-id")
	require.Contains(t, all, "--key-material-id for the only entry: key material id is not acceptable: a key material id names material already on the key, so it goes only with import type EXISTING_KEY_MATERIAL")
	require.Contains(t, all, "--key-material-description for the only entry: key material description is not acceptable")

	// The same options, right, reach Options as wrap's flags would.
	p := planOptions(t, `version: 1
signer: s
out: import.json
record: r.pdf
no_expiry: true
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    label: payments
    import_type: EXISTING_KEY_MATERIAL
    key_material_id: `+testMaterialID+`
    key_material_description: payments 2027
`)
	arn := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	require.Equal(t, []string{arn + "=EXISTING_KEY_MATERIAL"}, p.ImportType)
	require.Equal(t, []string{arn + "=" + testMaterialID}, p.KeyMaterialID)
	require.Equal(t, []string{arn + "=payments 2027"}, p.KeyMaterialDescription)
	require.NoError(t, p.CheckUsage())
}

// planOptions loads plan (its problems of files ignored) and returns its Options.
func planOptions(t *testing.T, plan string) Options {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	require.NoError(t, os.WriteFile(path, []byte(plan), 0o644))
	p, _ := LoadPlan(path, time.Now())
	require.NotNil(t, p)
	return p.Options
}
