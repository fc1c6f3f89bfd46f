package softhsmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewCreatesToken(t *testing.T) {
	tok := New(t)
	require.Equal(t, tok.ConfPath, os.Getenv("SOFTHSM2_CONF"), "SOFTHSM2_CONF = %q, want %q", os.Getenv("SOFTHSM2_CONF"), tok.ConfPath)
	_, err := os.Stat(tok.Module)
	require.NoError(t, err)
	out, err := exec.Command("softhsm2-util", "--show-slots").CombinedOutput()
	require.NoError(t, err, "%v\n%s", err, out)
	require.Contains(t, string(out), "Label:            "+tok.Label, "token %q not listed:\n%s", tok.Label, out)
	require.NotEmpty(t, tok.PIN, "PINs not set apart")
	require.NotEqual(t, tok.SOPIN, tok.PIN, "PINs not set apart")
}

func TestModulePathEnv(t *testing.T) {
	t.Setenv(ModuleEnv, filepath.Join(t.TempDir(), "missing.so"))
	_, err := ModulePath()
	require.Error(t, err, "ModulePath accepted a missing module")
}

func TestRehearsalTokenScript(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rehearsal dir")
	cmd := exec.Command("./rehearsal-token.sh", dir, "rehearsal")
	cmd.Env = append(os.Environ(), "AIRWRAP_PIN=rehearsal-pin-1234")
	out, err := cmd.Output()
	require.NoError(t, err, "%v\n%s", err, out)
	want := "export SOFTHSM2_CONF='" + filepath.Join(dir, "softhsm2.conf") + "'\n"
	require.Equal(t, want, string(out), "printed %q, want %q", out, want)
	require.NotContains(t, string(out), "rehearsal-pin-1234", "PIN printed")
	module, err := ModulePath()
	require.NoError(t, err)
	login := exec.Command("pkcs11-tool", "--module", module, "--token-label", "rehearsal", "--login", "--pin", "env:P", "-O")
	login.Env = append(os.Environ(), "SOFTHSM2_CONF="+filepath.Join(dir, "softhsm2.conf"), "P=rehearsal-pin-1234")
	o, err := login.CombinedOutput()
	require.NoError(t, err, "login with AIRWRAP_PIN failed: %v\n%s", err, o)
	// No PIN: usage error, nothing created.
	cmd = exec.Command("./rehearsal-token.sh", filepath.Join(t.TempDir(), "x"), "rehearsal")
	cmd.Env = append(os.Environ(), "AIRWRAP_PIN=")
	require.Error(t, cmd.Run(), "ran without AIRWRAP_PIN")
}
