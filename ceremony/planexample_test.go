package ceremony

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
)

const examplePlan = "testdata/plan-example.yaml"

// docs/CEREMONY-PLAN.md shows the example plan exactly as this test checks it.
func TestPlanDocShowsTheExample(t *testing.T) {
	example, err := os.ReadFile(examplePlan)
	require.NoError(t, err)
	doc, err := os.ReadFile("../docs/CEREMONY-PLAN.md")
	require.NoError(t, err)
	require.True(t, bytes.Contains(doc, append([]byte("```yaml\n"), append(example, []byte("```\n")...)...)),
		"docs/CEREMONY-PLAN.md does not show %s verbatim in a ```yaml block", examplePlan)
}

// The example plan parses and passes every check made without the HSM,
// given the files it names.
func TestPlanExampleValidates(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	example, err := os.ReadFile(examplePlan)
	require.NoError(t, err)
	path := filepath.Join(dir, "plan.yaml")
	write := func(name string, data []byte) {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	write("plan.yaml", example)
	m, err := ceremonytest.Params(now,
		ceremonytest.Entry{ARN: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		ceremonytest.Entry{ARN: "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"})
	require.NoError(t, err)
	online, _ := softSigner(t)
	signed, err := bundle.SignParams(m.Data, online)
	require.NoError(t, err)
	write("params.json", signed)
	write("online-signer.pem", publicPEM(t, online.Public()))
	ceremonySigner, _ := softSigner(t)
	write("ceremony-signer.pem", publicPEM(t, ceremonySigner.Public()))

	p, err := LoadPlan(path, now)
	require.NoError(t, err, "the example plan is refused")
	o := p.Options
	assert.Equal(t, "ceremony-signer", o.SignerLabel, "options: signer")
	assert.Equal(t, filepath.Join(dir, "import.json"), o.Out, "options: out")
	assert.Equal(t, filepath.Join(dir, "record.pdf"), p.RecordPDF, "record")
	if assert.NotNil(t, o.ValidTo, "options: valid_to") {
		assert.True(t, o.ValidTo.Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)), "options: valid_to %v, want 2027-06-30", *o.ValidTo)
	}
	assert.False(t, o.NoExpiry, "options: no_expiry")
	assert.Len(t, o.ParamsTrust, 1, "options: params_trust")
	assert.Equal(t, 1, o.ParamsThreshold, "options: params_trust.threshold")
	assert.Len(t, p.Trust, 1, "trust")
	assert.Equal(t, "A. Officer (officer)|B. Witness (witness)", strings.Join(o.Operators, "|"), "options: operators")
	require.Len(t, p.Keys, 2, "keys: %+v", p.Keys)
	assert.Equal(t, "SYMMETRIC_DEFAULT", p.Keys[0].Generate, "keys[0].generate")
	assert.Equal(t, "payments-2027", p.Keys[0].Label, "keys[0].label")
	assert.Equal(t, []byte{0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f}, p.Keys[1].ID, "keys[1].id")
	assert.Equal(t, []byte{0x8a, 0x3f, 0x21}, p.Keys[1].CheckValue, "keys[1].check_value")
}

func publicPEM(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
