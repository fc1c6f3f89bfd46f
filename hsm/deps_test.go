package hsm

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDepsPKCS11Only: the PKCS#11 layer links no other part of airwrap (no
// KMS rules, no bundle formats, no DSSE): only its own internal helpers.
func TestDepsPKCS11Only(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	const self = "github.com/airwrap/airwrap/hsm"
	if !strings.Contains(string(out), self+"\n") || !strings.Contains(string(out), "github.com/miekg/pkcs11\n") {
		t.Fatalf("dependency list lacks hsm or miekg/pkcs11: is it the right package?\n%s", out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/airwrap/airwrap/") && d != self && !strings.HasPrefix(d, self+"/internal/") {
			t.Errorf("hsm depends on %s", d)
		}
	}
}
