package softhsmtest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
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

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestUnwrapOAEP(t *testing.T) {
	k := rsaKey(t)
	msg := bytes.Repeat([]byte{0x42}, 32)
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		blob, err := rsa.EncryptOAEP(h.New(), rand.Reader, &k.PublicKey, msg, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := UnwrapOAEP(k, h, blob)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("%v: got %x, %v", h, got, err)
		}
	}
}

// TestUnwrapRSAAESWithOpenSSL builds blobs the way AWS's own recipe does
// (openssl enc -id-aes256-wrap-pad, RSA-OAEP of the AES key) and undoes them.
func TestUnwrapRSAAESWithOpenSSL(t *testing.T) {
	k := rsaKey(t)
	aesKey := make([]byte, 32)
	rand.Read(aesKey)
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		for _, n := range []int{28, 32, 67, 1218} {
			material := make([]byte, n)
			rand.Read(material)
			dir := t.TempDir()
			in := filepath.Join(dir, "in")
			out := filepath.Join(dir, "out")
			os.WriteFile(in, material, 0o600)
			if o, err := exec.Command("openssl", "enc", "-id-aes256-wrap-pad", "-K", hex.EncodeToString(aesKey),
				"-iv", "A65959A6", "-in", in, "-out", out).CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, o)
			}
			kwp, _ := os.ReadFile(out)
			if len(kwp) != (n+7)/8*8+8 {
				t.Fatalf("KWP of %d bytes is %d bytes", n, len(kwp))
			}
			rsaPart, err := rsa.EncryptOAEP(h.New(), rand.Reader, &k.PublicKey, aesKey, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := UnwrapRSAAESWithOpenSSL(t, k, h, append(rsaPart, kwp...))
			if !bytes.Equal(got, material) {
				t.Fatalf("%v n=%d: unwrapped %d bytes, not the material", h, n, len(got))
			}
		}
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
