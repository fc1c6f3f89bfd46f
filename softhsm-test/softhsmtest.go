// Package softhsmtest creates throwaway SoftHSM tokens for tests (the other
// token kinds are in softhsm-test/hsmtest; the independent unwrap oracle is
// internal/testkit/oracle). It must not import airwrap's hsm package, so any
// package's tests can use it. Material handled here is test material only.
package softhsmtest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ModuleEnv, when set, names the SoftHSM PKCS#11 module to use instead of
// searching the usual paths.
const ModuleEnv = "SOFTHSM2_MODULE"

// InstallHint is what to do when SoftHSM is missing.
const InstallHint = "install SoftHSM: apt-get install softhsm2 (Debian/Ubuntu), or set " + ModuleEnv + " to libsofthsm2.so"

// modulePaths are where distributions put libsofthsm2.so.
var modulePaths = []string{
	"/usr/lib/softhsm/libsofthsm2.so",
	"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
	"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
	"/usr/local/lib/softhsm/libsofthsm2.so",
	"/usr/lib64/pkcs11/libsofthsm2.so",
	"/usr/lib64/softhsm/libsofthsm2.so",
	"/opt/homebrew/lib/softhsm/libsofthsm2.so",
	"/usr/local/opt/softhsm/lib/softhsm/libsofthsm2.so",
}

// ErrNoSoftHSM means the SoftHSM module or softhsm2-util was not found.
var ErrNoSoftHSM = errors.New("softhsm2 not found")

// ModulePath returns the path of libsofthsm2.so ($SOFTHSM2_MODULE first).
func ModulePath() (string, error) {
	if p := os.Getenv(ModuleEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %w", ErrNoSoftHSM, ModuleEnv, p, err)
		}
		return p, nil
	}
	for _, p := range modulePaths {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no libsofthsm2.so in %v", ErrNoSoftHSM, modulePaths)
}

// Token is a freshly initialised SoftHSM token that lives as long as the test.
type Token struct {
	Module   string // path of libsofthsm2.so
	Label    string // token label
	PIN      string // user PIN (test only)
	SOPIN    string // security officer PIN (test only)
	ConfPath string // the softhsm2.conf SOFTHSM2_CONF points at
	Dir      string // holds ConfPath and the token directory
}

// DefaultLabel is the label New gives its token.
const DefaultLabel = "airwrap-test"

// New creates a throwaway token labelled DefaultLabel in a temp dir and points
// SOFTHSM2_CONF at it (t.Setenv: tests using it cannot run in parallel). It
// fails the test, with an install hint, when SoftHSM is missing: never skips.
func New(t testing.TB) *Token {
	t.Helper()
	return NewLabel(t, DefaultLabel)
}

// NewLabel is New with a chosen token label.
func NewLabel(t testing.TB, label string) *Token {
	t.Helper()
	module, err := ModulePath()
	if err != nil {
		t.Fatalf("softhsmtest: %v; %s", err, InstallHint)
	}
	util, err := exec.LookPath("softhsm2-util")
	if err != nil {
		t.Fatalf("softhsmtest: softhsm2-util not on PATH: %v; %s", err, InstallHint)
	}
	dir := t.TempDir()
	conf, err := WriteConf(dir)
	if err != nil {
		t.Fatalf("softhsmtest: %v", err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	tok := &Token{Module: module, Label: label, PIN: randomPIN(t), SOPIN: randomPIN(t), ConfPath: conf, Dir: dir}
	// Test PINs only: a throwaway token whose PINs die with the test.
	cmd := exec.Command(util, "--init-token", "--free", "--label", label, "--so-pin", tok.SOPIN, "--pin", tok.PIN)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("softhsmtest: softhsm2-util --init-token: %v\n%s", err, out)
	}
	return tok
}

// WriteConf writes DIR/softhsm2.conf with its token directory DIR/tokens and
// returns the conf path.
func WriteConf(dir string) (string, error) {
	tokens := filepath.Join(dir, "tokens")
	if err := os.MkdirAll(tokens, 0o700); err != nil {
		return "", fmt.Errorf("create token dir: %w", err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	body := fmt.Sprintf("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", tokens)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		return "", fmt.Errorf("write softhsm2.conf: %w", err)
	}
	return conf, nil
}

func randomPIN(t testing.TB) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("softhsmtest: random: %v", err)
	}
	return hex.EncodeToString(b)
}
