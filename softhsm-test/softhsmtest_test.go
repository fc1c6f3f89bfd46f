package softhsmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewCreatesToken(t *testing.T) {
	tok := New(t)
	if os.Getenv("SOFTHSM2_CONF") != tok.ConfPath {
		t.Fatalf("SOFTHSM2_CONF = %q, want %q", os.Getenv("SOFTHSM2_CONF"), tok.ConfPath)
	}
	if _, err := os.Stat(tok.Module); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("softhsm2-util", "--show-slots").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Label:            "+tok.Label) {
		t.Fatalf("token %q not listed:\n%s", tok.Label, out)
	}
	if tok.PIN == "" || tok.PIN == tok.SOPIN {
		t.Fatalf("PINs not set apart")
	}
}

func TestModulePathEnv(t *testing.T) {
	t.Setenv(ModuleEnv, filepath.Join(t.TempDir(), "missing.so"))
	if _, err := ModulePath(); err == nil {
		t.Fatal("ModulePath accepted a missing module")
	}
}

func TestRehearsalTokenScript(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rehearsal dir")
	cmd := exec.Command("./rehearsal-token.sh", dir, "rehearsal")
	cmd.Env = append(os.Environ(), "AIRWRAP_PIN=rehearsal-pin-1234")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "export SOFTHSM2_CONF='" + filepath.Join(dir, "softhsm2.conf") + "'\n"
	if string(out) != want {
		t.Fatalf("printed %q, want %q", out, want)
	}
	if strings.Contains(string(out), "rehearsal-pin-1234") {
		t.Fatal("PIN printed")
	}
	module, err := ModulePath()
	if err != nil {
		t.Fatal(err)
	}
	login := exec.Command("pkcs11-tool", "--module", module, "--token-label", "rehearsal", "--login", "--pin", "env:P", "-O")
	login.Env = append(os.Environ(), "SOFTHSM2_CONF="+filepath.Join(dir, "softhsm2.conf"), "P=rehearsal-pin-1234")
	if o, err := login.CombinedOutput(); err != nil {
		t.Fatalf("login with AIRWRAP_PIN failed: %v\n%s", err, o)
	}
	// No PIN: usage error, nothing created.
	cmd = exec.Command("./rehearsal-token.sh", filepath.Join(t.TempDir(), "x"), "rehearsal")
	cmd.Env = append(os.Environ(), "AIRWRAP_PIN=")
	if err := cmd.Run(); err == nil {
		t.Fatal("ran without AIRWRAP_PIN")
	}
}
