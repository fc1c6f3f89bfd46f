package crashtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Paths of the binaries TestMain builds once for every test here;
// faultsBin is airwrap built with -tags airwrapfaults (AIRWRAP_FAULTS
// injects PKCS#11 failures: hsm/faultinject.go).
var airwrapBin, onlineBin, faultsBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "airwrap-crashtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		airwrapBin = filepath.Join(dir, "airwrap")
		onlineBin = filepath.Join(dir, "airwrap-online")
		faultsBin = filepath.Join(dir, "airwrap-faults")
		for _, b := range []struct{ bin, pkg, tags string }{
			{airwrapBin, "../../cmd/airwrap", ""},
			{onlineBin, "../../cmd/airwrap-online", ""},
			{faultsBin, "../../cmd/airwrap", "airwrapfaults"},
		} {
			bin, pkg := b.bin, b.pkg
			cmd := exec.Command("go", "build", "-tags", b.tags, "-o", bin, pkg)
			if out, err := cmd.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "crashtest: go build %s: %v\n%s", pkg, err, out)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}
