package hsmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/miekg/pkcs11"
)

// Material that other tools put on a token: the way key material that
// already lives in an HSM got there. Test material only.

// Secret is a secret key of known value.
type Secret struct {
	Label       string
	KeyType     uint   // CKK_AES, CKK_GENERIC_SECRET, CKK_SHA256_HMAC ...
	Value       []byte // the known material
	Extractable bool
}

// PutSecret creates s as a token object with C_CreateObject of its value,
// as pkcs11-tool --write-object does: the template has no CKA_VALUE_LEN,
// and the key may sign (HMAC keys) and encrypt (AES keys), as usage flags
// would set. It returns whether the token then gives a CKA_VALUE_LEN (not
// 0). The module is initialised for this call only.
func PutSecret(t testing.TB, tok *Token, s Secret) (valueLen bool) {
	t.Helper()
	withSession(t, tok, func(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) {
		_, err := ctx.CreateObject(sh, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
			pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, s.KeyType),
			pkcs11.NewAttribute(pkcs11.CKA_VALUE, s.Value),
			pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
			pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
			pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
			pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, s.Extractable),
			pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, s.KeyType == pkcs11.CKK_AES),
			pkcs11.NewAttribute(pkcs11.CKA_SIGN, s.KeyType != pkcs11.CKK_AES),
			pkcs11.NewAttribute(pkcs11.CKA_LABEL, s.Label),
			pkcs11.NewAttribute(pkcs11.CKA_ID, []byte("put-"+s.Label)),
		})
		if err != nil {
			t.Fatalf("hsmtest: C_CreateObject of secret %q on %s: %v", s.Label, tok.Kind, err)
		}
		valueLen = hasValueLen(ctx, sh, s.Label)
	})
	return valueLen
}

// WriteAESWithTool puts an AES key of known value on tok with
// `pkcs11-tool --write-object FILE --type secrkey --key-type AES:N
// --extractable --sensitive --usage-decrypt` (the PIN through the
// environment) and returns whether the token then gives a CKA_VALUE_LEN (not 0).
// pkcs11-tool cannot pass NSS's C_Initialize parameters, so not for NSS.
func WriteAESWithTool(t testing.TB, tok *Token, label string, value []byte) (valueLen bool) {
	t.Helper()
	if tok.InitParams != "" {
		t.Fatalf("hsmtest: pkcs11-tool cannot pass C_Initialize parameters (%s)", tok.Kind)
	}
	tool, err := exec.LookPath("pkcs11-tool")
	if err != nil {
		t.Fatalf("hsmtest: pkcs11-tool not on PATH: %v; apt-get install opensc", err)
	}
	f := filepath.Join(t.TempDir(), "aes.bin") // test material only
	if err := os.WriteFile(f, value, 0o600); err != nil {
		t.Fatalf("hsmtest: %v", err)
	}
	cmd := exec.Command(tool, "--module", tok.Module, "--token-label", tok.Label, "--login", "--pin", "env:HSMTEST_PIN",
		"--write-object", f, "--type", "secrkey", "--key-type", fmt.Sprintf("AES:%d", len(value)),
		"--extractable", "--sensitive", "--usage-decrypt", "--label", label, "--id", fmt.Sprintf("%x", "tool-"+label))
	cmd.Env = append(os.Environ(), "HSMTEST_PIN="+tok.PIN)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hsmtest: pkcs11-tool --write-object on %s: %v\n%s", tok.Kind, err, out)
	}
	withSession(t, tok, func(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle) {
		valueLen = hasValueLen(ctx, sh, label)
	})
	return valueLen
}

// hasValueLen reports whether the one object labelled label gives a
// CKA_VALUE_LEN other than 0 (opencryptoki gives 0 for some).
func hasValueLen(ctx *pkcs11.Ctx, sh pkcs11.SessionHandle, label string) bool {
	if err := ctx.FindObjectsInit(sh, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, label)}); err != nil {
		return false
	}
	hs, _, err := ctx.FindObjects(sh, 2)
	ctx.FindObjectsFinal(sh)
	if err != nil || len(hs) != 1 {
		return false
	}
	a, err := ctx.GetAttributeValue(sh, hs[0], []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, nil)})
	return err == nil && len(a) == 1 && strings.Trim(string(a[0].Value), "\x00") != ""
}

// withSession initialises tok's module, logs in as the user in a
// read-write session, runs f, and finalises the module again.
func withSession(t testing.TB, tok *Token, f func(*pkcs11.Ctx, pkcs11.SessionHandle)) {
	t.Helper()
	ctx := pkcs11.New(tok.Module)
	if ctx == nil {
		t.Fatalf("hsmtest: %s: not a loadable PKCS#11 library", tok.Module)
	}
	defer ctx.Destroy()
	var opts []pkcs11.InitializeOption
	if tok.InitParams != "" {
		b := append([]byte(tok.InitParams), 0)
		opts = append(opts, pkcs11.InitializeWithReserved(unsafe.Pointer(&b[0])))
	}
	if err := ctx.Initialize(opts...); err != nil {
		t.Fatalf("hsmtest: C_Initialize %s: %v", tok.Kind, err)
	}
	defer ctx.Finalize()
	slots, err := ctx.GetSlotList(true)
	if err != nil {
		t.Fatalf("hsmtest: C_GetSlotList: %v", err)
	}
	for _, s := range slots {
		ti, err := ctx.GetTokenInfo(s)
		if err != nil || strings.TrimRight(ti.Label, " \x00") != tok.Label {
			continue
		}
		if err := session(ctx, s, pkcs11.CKU_USER, tok.PIN, func(sh pkcs11.SessionHandle) error { f(ctx, sh); return nil }); err != nil {
			t.Fatalf("hsmtest: %s: %v", tok.Kind, err)
		}
		return
	}
	t.Fatalf("hsmtest: no token %q on %s", tok.Label, tok.Module)
}
