package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The offline binary must not be able to talk to a network service: it
// links neither net/http nor the AWS SDK. Nor any test support: the test
// kit (internal/testkit), the test tokens (softhsm-test) or the crash and
// bench tests are for _test.go files only.
func TestOfflineBinaryDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	require.NoError(t, err, "go list -deps")
	deps := strings.Fields(string(out))
	require.GreaterOrEqual(t, len(deps), 10, "go list -deps gave %d packages: %q", len(deps), out)
	for _, d := range deps {
		assert.False(t, d == "net/http" || strings.HasPrefix(d, "net/http/") || strings.HasPrefix(d, "github.com/aws/"), "cmd/airwrap depends on %s", d)
		for _, bad := range testSupport {
			assert.False(t, d == bad || strings.HasPrefix(d, bad+"/"), "cmd/airwrap links test support %s", d)
		}
	}
	for _, want := range []string{"github.com/urfave/cli/v2", "github.com/airwrap/airwrap/hsm"} {
		assert.Contains(t, string(out), want+"\n", "dependency list lacks %s: is it the right package?", want)
	}
}

// testSupport are the packages only tests may import.
var testSupport = []string{
	"github.com/airwrap/airwrap/internal/testkit",
	"github.com/airwrap/airwrap/softhsm-test",
	"github.com/airwrap/airwrap/internal/crashtest",
	"github.com/airwrap/airwrap/internal/bench",
}
