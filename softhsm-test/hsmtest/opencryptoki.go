package hsmtest

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// Opencryptoki's soft token keeps its state machine-wide, in
// /var/lib/opencryptoki/swtok (a path compiled into opencryptoki 3.8.1's
// libpkcs11_sw.so, like /etc/opencryptoki/opencryptoki.conf and the
// pkcsslotd socket /var/run/pkcsslotd.socket): there is no throwaway
// state. So Opencryptoki serialises its users across processes with a
// lock file, gives each test a fresh user PIN and an empty token (see
// initSwtok), and refuses to touch a swtok token that someone other than
// these tests initialised.

// OCKLabel is the label the harness gives the swtok token.
const OCKLabel = "airwrap-ock-test"

// ockSOPIN is the SO PIN the harness sets on swtok (test only); 87654321
// is opencryptoki's factory SO PIN, which must be changed after C_InitToken
// and before C_InitPIN.
const (
	ockSOPIN        = "airwSO42"
	ockFactorySOPIN = "87654321"
)

// ockModulePaths are where distributions put libopencryptoki.so.
var ockModulePaths = []string{
	"/usr/lib/x86_64-linux-gnu/opencryptoki/libopencryptoki.so.0",
	"/usr/lib/aarch64-linux-gnu/opencryptoki/libopencryptoki.so.0",
	"/usr/lib/s390x-linux-gnu/opencryptoki/libopencryptoki.so.0",
	"/usr/lib64/opencryptoki/libopencryptoki.so",
	"/usr/lib/opencryptoki/libopencryptoki.so",
}

// OpencryptokiModulePath returns the path of libopencryptoki.so, or "".
func OpencryptokiModulePath() string { return firstExisting(ockModulePaths) }

// Opencryptoki returns the swtok token labelled OCKLabel, emptied, with a
// new user PIN. Until the test ends it holds a machine-wide
// lock (other tests wanting swtok, in this process or another, wait), and
// pkcsslotd runs: started here if it was not running, and then stopped at
// the end; a pkcsslotd someone else started is never stopped.
func Opencryptoki(t testing.TB) *Token {
	t.Helper()
	module := OpencryptokiModulePath()
	if module == "" {
		t.Fatalf("hsmtest: opencryptoki (libopencryptoki.so) not found in %v; %s", ockModulePaths, InstallHint)
	}
	// Best effort: a SoftHSM already unloaded again is not seen here.
	if loaded := softhsmLoaded(); loaded != "" {
		t.Fatalf("hsmtest: this process has loaded SoftHSM (%s): opencryptoki 3.8.1 then crashes (SIGSEGV in its TPM stdll, "+
			"libpkcs11_tpm.so) when it is initialised a second time; run opencryptoki tests in a test package that does not use SoftHSM", loaded)
	}
	unlock, err := lockSwtok()
	if err != nil {
		t.Fatalf("hsmtest: %v", err)
	}
	t.Cleanup(unlock)
	return swtokLocked(t, module)
}

// swtokLocked is Opencryptoki once the lock is held.
func swtokLocked(t testing.TB, module string) *Token {
	t.Helper()
	stop, err := ensureSlotd()
	if err != nil {
		t.Fatalf("hsmtest: %v; %s", err, InstallHint)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("hsmtest: %v", err)
		}
	})
	tok := &Token{Kind: KindOpencryptoki, Module: module, Label: OCKLabel, PIN: randomPIN(t)}
	if err := initSwtok(module, tok.PIN); err != nil {
		t.Fatalf("hsmtest: opencryptoki swtok: %v", err)
	}
	return tok
}

// softhsmLoaded returns the path of libsofthsm2 if this process maps it.
func softhsmLoaded() string {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if i := strings.Index(sc.Text(), "/"); i >= 0 && strings.Contains(sc.Text()[i:], "libsofthsm2") {
			return sc.Text()[i:]
		}
	}
	return ""
}
