package ceremony

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// planProblems writes plan, loads it and returns its problems as
// "line:col field" -> message, failing when it is accepted.
func planProblems(t *testing.T, plan string) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(plan), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadPlan(path, time.Now())
	if err == nil {
		t.Fatal("plan accepted")
	}
	got := map[string]string{}
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var p *PlanProblem
		if !errors.As(e, &p) {
			t.Fatalf("problem without a position: %v", e)
		}
		if p.File != path {
			t.Errorf("problem names %s, want %s", p.File, path)
		}
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
		if !strings.Contains(got[k], msg) {
			t.Errorf("%s: got %q, want it to say %q", k, got[k], msg)
		}
	}
	if t.Failed() {
		t.Logf("all problems: %q", got)
	}
}

func TestPlanSyntaxError(t *testing.T) {
	got := planProblems(t, "version: 1\nkeys:\n  - label: a\n   bad: [\n")
	if len(got) != 1 {
		t.Fatalf("want one syntax problem, got %q", got)
	}
	for k, msg := range got {
		if !strings.HasPrefix(k, "4:") || !strings.Contains(msg, "YAML") {
			t.Errorf("syntax problem at %s: %q", k, msg)
		}
	}
}

func TestPlanRefusesAnchors(t *testing.T) {
	got := planProblems(t, "version: 1\nsigner: &s ceremony\nout: *s\n")
	if !strings.Contains(got["2:9 signer"], "anchors") || !strings.Contains(got["3:6 out"], "aliases") {
		t.Errorf("anchors/aliases: %q", got)
	}
}

// Every problem of the plan's form is ErrPlan (the CLI's hint); the
// others keep their own kinds.
func TestPlanProblemKinds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte("version: 2\nsurprise: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadPlan(path, time.Now())
	if !errors.Is(err, ErrPlan) || !errors.Is(err, ErrKeySelection) {
		t.Fatalf("kinds: %v", err)
	}
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
		if !strings.Contains(got[k], msg) {
			t.Errorf("%s: got %q, want it to say %q", k, got[k], msg)
		}
	}
	if t.Failed() {
		t.Logf("all problems: %q", got)
	}
}
