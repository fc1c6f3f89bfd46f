package crashtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Paths of the binaries TestMain builds once for every test here.
var airwrapBin, onlineBin string

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
		for bin, pkg := range map[string]string{airwrapBin: "../cmd/airwrap", onlineBin: "../cmd/airwrap-online"} {
			cmd := exec.Command("go", "build", "-o", bin, pkg)
			if out, err := cmd.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "crashtest: go build %s: %v\n%s", pkg, err, out)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}
