package crashtest

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMeterNotInReleaseBuild: the benchmarks' PKCS#11 meter (call counts
// and added latency, hsm/meter.go) is in no airwrap built without
// -tags airwrapbench. The fault-injection build shows the check can see an
// unexported hsm type's methods at all: it holds the injector's.
func TestMeterNotInReleaseBuild(t *testing.T) {
	syms := func(bin string) []byte {
		out, err := exec.Command("go", "tool", "nm", bin).Output()
		require.NoError(t, err, "go tool nm %s", bin)
		return out
	}
	release, faults := syms(airwrapBin), syms(faultsBin)
	require.True(t, bytes.Contains(faults, []byte("hsm.(*injector).WrapKey")), "the fault-injection build has no hsm.(*injector).WrapKey: symbol names are not what this test expects")
	for _, sym := range []string{"hsm.(*meter)", "hsm.InstallMeter", "hsm.newMeter"} {
		assert.False(t, bytes.Contains(release, []byte(sym)), "release airwrap contains %s", sym)
	}
}
