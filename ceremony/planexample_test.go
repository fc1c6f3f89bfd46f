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

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
)

const examplePlan = "testdata/plan-example.yaml"

// docs/CEREMONY-PLAN.md shows the example plan exactly as this test checks it.
func TestPlanDocShowsTheExample(t *testing.T) {
	example, err := os.ReadFile(examplePlan)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/CEREMONY-PLAN.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, append([]byte("```yaml\n"), append(example, []byte("```\n")...)...)) {
		t.Fatalf("docs/CEREMONY-PLAN.md does not show %s verbatim in a ```yaml block", examplePlan)
	}
}

// The example plan parses and passes every check made without the HSM,
// given the files it names.
func TestPlanExampleValidates(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	example, err := os.ReadFile(examplePlan)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "plan.yaml")
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("plan.yaml", example)
	m, err := ceremonytest.Params(now,
		ceremonytest.Entry{ARN: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		ceremonytest.Entry{ARN: "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"})
	if err != nil {
		t.Fatal(err)
	}
	online, _ := softSigner(t)
	signed, err := bundle.SignParams(m.Data, online)
	if err != nil {
		t.Fatal(err)
	}
	write("params.json", signed)
	write("online-signer.pem", publicPEM(t, online.Public()))
	ceremonySigner, _ := softSigner(t)
	write("ceremony-signer.pem", publicPEM(t, ceremonySigner.Public()))

	p, err := LoadPlan(path, now)
	if err != nil {
		t.Fatalf("the example plan is refused:\n%v", err)
	}
	o := p.Options
	if o.SignerLabel != "ceremony-signer" || o.Out != filepath.Join(dir, "import.json") || p.RecordPDF != filepath.Join(dir, "record.pdf") ||
		o.ValidTo == nil || !o.ValidTo.Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) || o.NoExpiry ||
		len(o.ParamsTrust) != 1 || o.ParamsThreshold != 1 || len(p.Trust) != 1 ||
		strings.Join(o.Operators, "|") != "A. Officer (officer)|B. Witness (witness)" {
		t.Errorf("options: %+v", o)
	}
	if len(p.Keys) != 2 || p.Keys[0].Generate != "SYMMETRIC_DEFAULT" || p.Keys[0].Label != "payments-2027" ||
		!bytes.Equal(p.Keys[1].ID, []byte{0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f}) || !bytes.Equal(p.Keys[1].CheckValue, []byte{0x8a, 0x3f, 0x21}) {
		t.Errorf("keys: %+v", p.Keys)
	}
}

func publicPEM(t *testing.T, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
