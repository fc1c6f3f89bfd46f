package ceremony

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planProblems writes plan, loads it and returns its problems as
// "line:col field" -> message, failing when it is accepted.
func planProblems(t *testing.T, plan string) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	require.NoError(t, os.WriteFile(path, []byte(plan), 0o644))
	_, err := LoadPlan(path, time.Now())
	require.Error(t, err, "plan accepted")
	got := map[string]string{}
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var p *PlanProblem
		require.ErrorAs(t, e, &p, "problem without a position")
		assert.Equal(t, path, p.File, "the file the problem names")
		got[positionKey(p)] = p.Err.Error()
	}
	return got
}

func positionKey(p *PlanProblem) string {
	return strings.TrimSpace(fmt.Sprintf("%d:%d %s", p.Line, p.Column, p.Field))
}

// The plan's form: every unknown field, repeated key (at any depth) and
// wrong type at once, each at its exact line and column, and all marked
// ErrPlan.
func TestPlanFormProblems(t *testing.T) {
	got := planProblems(t, `version: 1
parameters: params.json
signer: s
colour: blue
operators:
  - name: A. Officer
    role: officer
  - name: B. Witness
    role: witness
    role: witness
no_expiry: yes
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/abc
    label: payments
    check_value: [1, 2]
    extra: 1
  - label: other
    label: again
params_trust:
  threshold: two
  paths: trust.pem
valid_to: 2027-06-30
valid_to: 2027-07-01
out: import.json
record: record.pdf
`)
	want := map[string]string{
		"4:1 colour":                   `unknown field "colour"`,
		"10:5 operators[1].role":       "given twice (first at line 9)",
		"11:12 no_expiry":              `want true or false, got the string "yes"`,
		"15:18 keys[0].check_value":    "want a string, got a list",
		"16:5 keys[0].extra":           `unknown field "extra"`,
		"18:5 keys[1].label":           "given twice (first at line 17)",
		"20:14 params_trust.threshold": `want a whole number, got the string "two"`,
		"21:10 params_trust.paths":     `want a list, got the string "trust.pem"`,
		"23:1 valid_to":                "given twice (first at line 22)",
	}
	for k, msg := range want {
		assert.Contains(t, got[k], msg, k)
	}
	if t.Failed() {
		t.Logf("all problems: %q", got)
	}
}

func TestPlanSyntaxError(t *testing.T) {
	got := planProblems(t, "version: 1\nkeys:\n  - label: a\n   bad: [\n")
	require.Len(t, got, 1, "want one syntax problem")
	for k, msg := range got {
		assert.True(t, strings.HasPrefix(k, "4:"), "syntax problem at %s, want line 4: %q", k, msg)
		assert.Contains(t, msg, "YAML", "syntax problem at %s", k)
	}
}

func TestPlanRefusesAnchors(t *testing.T) {
	got := planProblems(t, "version: 1\nsigner: &s ceremony\nout: *s\n")
	assert.Contains(t, got["2:9 signer"], "anchors", "anchors: %q", got)
	assert.Contains(t, got["3:6 out"], "aliases", "aliases: %q", got)
}

// Every problem of the plan's form is ErrPlan (the CLI's hint); the
// others keep their own kinds.
func TestPlanProblemKinds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 2\nsurprise: 1\n"), 0o644))
	_, err := LoadPlan(path, time.Now())
	require.ErrorIs(t, err, ErrPlan, "kinds")
	require.ErrorIs(t, err, ErrKeySelection, "kinds")
}

// wrap's own usage rules (Options.CheckUsage) are reported at the plan
// field they concern, or at the field's parent when it is missing.
func TestPlanUsageProblemsPositioned(t *testing.T) {
	got := planProblems(t, `version: 1
parameters: nothere.json
params_trust:
  threshold: 2
valid_to: 2027-06-30
no_expiry: true
record: r.pdf
`)
	want := map[string]string{
		"1:1 signer":                 "--signer is required",
		"1:1 out":                    "--out is required",
		"1:1 keys":                   "--key is required",
		"5:1 valid_to":               "--valid-to and --no-expiry exclude each other",
		"4:3 params_trust.threshold": "--params-threshold needs --params-trust",
		"3:1 params_trust.paths":     "params_trust needs at least one PEM file in paths",
		"2:1 parameters":             "no such file",
	}
	for k, msg := range want {
		assert.Contains(t, got[k], msg, k)
	}
	if t.Failed() {
		t.Logf("all problems: %q", got)
	}
}
