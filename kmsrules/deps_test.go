package kmsrules

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDepsNoAirwrap: the rules link nothing else of airwrap, so every
// package, the cgo-free online binary's included, can ask them.
func TestDepsNoAirwrap(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	require.NoError(t, err, "go list -deps")
	const self = "github.com/airwrap/airwrap/kmsrules"
	require.Contains(t, string(out), self+"\n", "dependency list lacks kmsrules: is it the right package?\n%s", out)
	for _, d := range strings.Fields(string(out)) {
		assert.False(t, strings.HasPrefix(d, "github.com/airwrap/airwrap/") && d != self, "kmsrules depends on %s", d)
	}
}
