package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The offline binary must not be able to talk to a network service: it
// links neither net/http nor the AWS SDK. Nor any test support: the test
// kit (internal/testkit), the test tokens (softhsm-test) or the crash and
// bench tests are for _test.go files only.
func TestOfflineBinaryDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps gave %d packages: %q", len(deps), out)
	}
	for _, d := range deps {
		if d == "net/http" || strings.HasPrefix(d, "net/http/") || strings.HasPrefix(d, "github.com/aws/") {
			t.Errorf("cmd/airwrap depends on %s", d)
		}
		for _, bad := range testSupport {
			if d == bad || strings.HasPrefix(d, bad+"/") {
				t.Errorf("cmd/airwrap links test support %s", d)
			}
		}
	}
	for _, want := range []string{"github.com/urfave/cli/v2", "github.com/airwrap/airwrap/hsm"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("dependency list lacks %s: is it the right package?", want)
		}
	}
}

// testSupport are the packages only tests may import.
var testSupport = []string{
	"github.com/airwrap/airwrap/internal/testkit",
	"github.com/airwrap/airwrap/softhsm-test",
	"github.com/airwrap/airwrap/internal/crashtest",
	"github.com/airwrap/airwrap/internal/bench",
}
