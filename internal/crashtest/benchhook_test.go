package crashtest

import (
	"bytes"
	"os/exec"
	"testing"
)

// TestMeterNotInReleaseBuild: the benchmarks' PKCS#11 meter (call counts
// and added latency, hsm/meter.go) is in no airwrap built without
// -tags airwrapbench. The fault-injection build shows the check can see an
// unexported hsm type's methods at all: it holds the injector's.
func TestMeterNotInReleaseBuild(t *testing.T) {
	syms := func(bin string) []byte {
		out, err := exec.Command("go", "tool", "nm", bin).Output()
		if err != nil {
			t.Fatalf("go tool nm %s: %v", bin, err)
		}
		return out
	}
	release, faults := syms(airwrapBin), syms(faultsBin)
	if !bytes.Contains(faults, []byte("hsm.(*injector).WrapKey")) {
		t.Fatal("the fault-injection build has no hsm.(*injector).WrapKey: symbol names are not what this test expects")
	}
	for _, sym := range []string{"hsm.(*meter)", "hsm.InstallMeter", "hsm.newMeter"} {
		if bytes.Contains(release, []byte(sym)) {
			t.Errorf("release airwrap contains %s", sym)
		}
	}
}
