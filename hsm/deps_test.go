package hsm

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDepsPKCS11Only: the PKCS#11 layer links no other part of airwrap (no
// KMS rules, no bundle formats, no DSSE): only its own internal helpers.
func TestDepsPKCS11Only(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	require.NoError(t, err, "go list -deps")
	deps := strings.Fields(string(out))
	const self = "github.com/airwrap/airwrap/hsm"
	require.Contains(t, string(out), self+"\n", "dependency list lacks hsm or miekg/pkcs11: is it the right package?\n%s", out)
	require.Contains(t, string(out), "github.com/miekg/pkcs11\n", "dependency list lacks hsm or miekg/pkcs11: is it the right package?\n%s", out)
	for _, d := range deps {
		assert.False(t, strings.HasPrefix(d, "github.com/airwrap/airwrap/") && d != self && !strings.HasPrefix(d, self+"/internal/"), "hsm depends on %s", d)
	}
}
