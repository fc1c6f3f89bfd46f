package hsmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// NSSLabel is the label of NSS softokn's key-storage token (the one that
// takes a login: the database password is its user PIN).
const NSSLabel = "NSS Certificate DB"

// nssModulePaths are where distributions put libsoftokn3.so.
var nssModulePaths = []string{
	"/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
	"/usr/lib/aarch64-linux-gnu/libsoftokn3.so",
	"/usr/lib64/libsoftokn3.so",
	"/usr/lib/libsoftokn3.so",
}

// NSSModulePath returns the path of libsoftokn3.so, or "".
func NSSModulePath() string { return firstExisting(nssModulePaths) }

// NSSInitParams is the C_Initialize pReserved string that opens the NSS
// database in dir (as Firefox and modutil pass it).
func NSSInitParams(dir string) string {
	return fmt.Sprintf("configdir='sql:%s' certPrefix='' keyPrefix='' secmod='secmod.db' flags=", dir)
}

// NSS creates a throwaway NSS database (certutil -N) whose password is a
// fresh test PIN. NSS needs no daemon and keeps no state outside dir.
func NSS(t testing.TB) *Token {
	t.Helper()
	module := NSSModulePath()
	if module == "" {
		t.Fatalf("hsmtest: NSS softokn (libsoftokn3.so) not found in %v; %s", nssModulePaths, InstallHint)
	}
	certutil, err := exec.LookPath("certutil")
	if err != nil {
		t.Fatalf("hsmtest: certutil (libnss3-tools) not on PATH: %v; %s", err, InstallHint)
	}
	dir := t.TempDir()
	tok := &Token{Kind: KindNSS, Module: module, Label: NSSLabel, PIN: randomPIN(t), InitParams: NSSInitParams(dir)}
	pw := filepath.Join(t.TempDir(), "password") // not in the database dir
	if err := os.WriteFile(pw, []byte(tok.PIN+"\n"), 0o600); err != nil {
		t.Fatalf("hsmtest: %v", err)
	}
	if out, err := exec.Command(certutil, "-N", "-d", "sql:"+dir, "-f", pw).CombinedOutput(); err != nil {
		t.Fatalf("hsmtest: certutil -N: %v\n%s", err, out)
	}
	return tok
}
