package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The online binary needs no HSM and no cgo: it must not link hsm/ or any
// PKCS#11 package, and it must build with CGO_ENABLED=0. Nor may it link
// test support: the test kit (internal/testkit), the test tokens
// (softhsm-test), the crash and bench tests.
func TestNoHSMNoCgo(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go list: %v\n%s", err, out)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path := strings.TrimSpace(line)
		for _, bad := range []string{"github.com/airwrap/airwrap/hsm", "github.com/airwrap/airwrap/ceremony", "github.com/miekg/pkcs11", "github.com/ThalesGroup/crypto11",
			"github.com/airwrap/airwrap/internal/testkit", "github.com/airwrap/airwrap/softhsm-test",
			"github.com/airwrap/airwrap/internal/crashtest", "github.com/airwrap/airwrap/internal/bench"} {
			assert.False(t, path == bad || strings.HasPrefix(path, bad+"/"), "airwrap-online depends on %s", path)
		}
	}
	build := exec.Command("go", "build", "-o", os.DevNull, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err = build.CombinedOutput()
	require.NoError(t, err, "CGO_ENABLED=0 go build: %v\n%s", err, out)
}
