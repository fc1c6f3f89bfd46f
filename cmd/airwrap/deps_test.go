package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The offline binary must not be able to talk to a network service: it
// links neither net/http nor the AWS SDK.
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
	}
	for _, want := range []string{"github.com/urfave/cli/v2", "github.com/airwrap/airwrap/hsm"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("dependency list lacks %s: is it the right package?", want)
		}
	}
}
