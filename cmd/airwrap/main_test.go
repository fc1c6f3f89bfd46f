package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/airwrap/airwrap/internal/testkit/script"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"airwrap": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
		"testhsm": func() { os.Exit(testhsmMain()) },
	})
}

// TestScripts runs every testdata/script/*.txt end to end: the real airwrap
// binary against a fresh SoftHSM token per script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:   "testdata/script",
		Setup: setupToken,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"mkparams":    cmdMkparams,
			"checkbundle": cmdCheckbundle,
			"noleak":      cmdNoleak,
			"transcript":  cmdTranscript,
			"evilenv":     cmdEvilenv,
			"flipbit":     cmdFlipbit,
			"nofiles":     cmdNofiles,
			"exits":       script.Exits,
			"signparams":  cmdSignparams,
			"samepayload": cmdSamepayload,
			"tamper":      script.Tamper,
			"recordfacts": cmdRecordfacts,
			"aeskcv":      cmdAeskcv,
			"hexof":       cmdHexof,
			"subst":       cmdSubst,
		},
		RequireExplicitExec: true,
	})
}

// scriptState is what the in-process commands of one script share.
type scriptState struct {
	wrapping  map[string][]wrappingKeyEntry // params file (absolute) -> private keys
	materials [][]byte                      // every material unwrapped by checkbundle
}

type stateKey struct{}

func state(ts *testscript.TestScript) *scriptState {
	return ts.Value(stateKey{}).(*scriptState)
}

// setupToken gives the script a throwaway SoftHSM token and the environment
// airwrap reads: AIRWRAP_PKCS11_MODULE, AIRWRAP_TOKEN, AIRWRAP_PIN, SOFTHSM2_CONF.
// It fails, never skips, when SoftHSM is missing.
func setupToken(env *testscript.Env) error {
	module, err := softhsmtest.ModulePath()
	if err != nil {
		return fmt.Errorf("%w; %s", err, softhsmtest.InstallHint)
	}
	util, err := exec.LookPath("softhsm2-util")
	if err != nil {
		return fmt.Errorf("softhsm2-util: %w; %s", err, softhsmtest.InstallHint)
	}
	dir, err := os.MkdirTemp("", "airwrap-token-")
	if err != nil {
		return err
	}
	env.Defer(func() { os.RemoveAll(dir) })
	conf, err := softhsmtest.WriteConf(dir)
	if err != nil {
		return err
	}
	pin, sopin := randomHex(12), randomHex(12)
	cmd := exec.Command(util, "--init-token", "--free", "--label", "airwrap-test", "--so-pin", sopin, "--pin", pin)
	cmd.Env = append(os.Environ(), "SOFTHSM2_CONF="+conf)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	env.Setenv("SOFTHSM2_CONF", conf)
	env.Setenv(envModule, module)
	env.Setenv(envToken, "airwrap-test")
	env.Setenv(envPIN, pin)
	// a key material expiry a month ahead, whenever the tests run
	env.Setenv("VALIDTO", time.Now().Add(30*24*time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339))
	// the same as a date alone, and the latest date --valid-to allows today
	env.Setenv("VALIDDATE", time.Now().Add(30*24*time.Hour).UTC().Format(time.DateOnly))
	env.Setenv("LATESTDATE", time.Now().Add(365*24*time.Hour).UTC().Format(time.DateOnly))
	env.Setenv("AFTERLATESTDATE", time.Now().Add(366*24*time.Hour).UTC().Format(time.DateOnly))
	env.Setenv("SOON", time.Now().Add(2*time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339))
	env.Values[stateKey{}] = &scriptState{wrapping: map[string][]wrappingKeyEntry{}}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
