package kmsrules

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDepsNoAirwrap: the rules link nothing else of airwrap, so every
// package, the cgo-free online binary's included, can ask them.
func TestDepsNoAirwrap(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	const self = "github.com/airwrap/airwrap/kmsrules"
	if !strings.Contains(string(out), self+"\n") {
		t.Fatalf("dependency list lacks kmsrules: is it the right package?\n%s", out)
	}
	for _, d := range strings.Fields(string(out)) {
		if strings.HasPrefix(d, "github.com/airwrap/airwrap/") && d != self {
			t.Errorf("kmsrules depends on %s", d)
		}
	}
}
