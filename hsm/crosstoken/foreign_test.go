package crosstoken

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/testkit/oracle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// foreign is a key another tool put on the token, with known material.
type foreign struct {
	label   string
	keyType uint
	n       int    // bytes of material
	tool    bool   // written with pkcs11-tool --write-object (AES only), else C_CreateObject
	noLen   bool   // the token gives no CKA_VALUE_LEN (or 0) for it: the case at hand, reproduced
	spec    string // the KMS key spec it must be listed with; "" if not importable
	why     string // not importable: what the reason must say
	unextr  bool   // CKA_EXTRACTABLE false
}

var (
	kAES     = uint(pkcs11.CKK_AES)
	kGeneric = uint(pkcs11.CKK_GENERIC_SECRET)
	kDES3    = uint(pkcs11.CKK_DES3)
)

// foreignTable: what each token does with keys other tools made (measured).
var foreignTable = []struct {
	kind string
	new  func(testing.TB) *hsmtest.Token
	keys []foreign
}{
	{hsmtest.KindOpencryptoki, hsmtest.Opencryptoki, []foreign{
		// No CKA_VALUE_LEN for AES keys it did not generate
		// (CKR_ATTRIBUTE_TYPE_INVALID), 0 for generic secrets.
		{label: "tool-aes-256", keyType: kAES, n: 32, tool: true, noLen: true, spec: "SYMMETRIC_DEFAULT"},
		{label: "aes-256", keyType: kAES, n: 32, noLen: true, spec: "SYMMETRIC_DEFAULT"},
		{label: "tool-aes-128", keyType: kAES, n: 16, tool: true, noLen: true, why: "AES-128: KMS imports AES-256 only"},
		// ECB refuses 24 bytes, CBC_PAD gives 32: AES-128 or AES-192.
		{label: "aes-192", keyType: kAES, n: 24, noLen: true, why: "the key is 16 to 24 bytes long"},
		{label: "hmac-256", keyType: kGeneric, n: 32, noLen: true, spec: "HMAC_256"},
		{label: "hmac-384", keyType: kGeneric, n: 48, noLen: true, spec: "HMAC_384"},
		{label: "hmac-512", keyType: kGeneric, n: 64, noLen: true, spec: "HMAC_512"},
		{label: "hmac-224", keyType: kGeneric, n: 28, noLen: true, why: "the key is 16 to 31 bytes long"},
		{label: "aes-unextractable", keyType: kAES, n: 32, noLen: true, unextr: true, why: "CKA_EXTRACTABLE is false"},
		{label: "des3", keyType: kDES3, n: 24, noLen: true, why: "secret key type CKK_DES3"},
	}},
	{hsmtest.KindNSS, hsmtest.NSS, []foreign{
		// No CKA_VALUE_LEN for CKK_SHA*_HMAC keys.
		{label: "aes-256", keyType: kAES, n: 32, spec: "SYMMETRIC_DEFAULT"},
		{label: "hmac-256", keyType: pkcs11.CKK_SHA256_HMAC, n: 32, noLen: true, spec: "HMAC_256"},
		{label: "hmac-384", keyType: pkcs11.CKK_SHA384_HMAC, n: 48, noLen: true, spec: "HMAC_384"},
		{label: "hmac-512", keyType: pkcs11.CKK_SHA512_HMAC, n: 64, noLen: true, spec: "HMAC_512"},
		{label: "hmac-224", keyType: pkcs11.CKK_SHA224_HMAC, n: 28, noLen: true, why: "the key is 25 to 31 bytes long"},
		{label: "generic-224", keyType: kGeneric, n: 28, spec: "HMAC_224"},
		{label: "aes-128", keyType: kAES, n: 16, why: "AES-128"},
		{label: "aes-unextractable", keyType: kAES, n: 32, unextr: true, why: "CKA_EXTRACTABLE is false"},
		{label: "des3", keyType: kDES3, n: 24, noLen: true, why: "secret key type CKK_DES3"},
	}},
}

// foreignSoftHSM: SoftHSM 2.6.1 gives CKA_VALUE_LEN for every AES and
// HMAC key; it runs in a process of its own (TestForeignKeysSoftHSM).
var foreignSoftHSM = []foreign{
	{label: "tool-aes-256", keyType: kAES, n: 32, tool: true, spec: "SYMMETRIC_DEFAULT"},
	{label: "hmac-224", keyType: kGeneric, n: 28, spec: "HMAC_224"},
	{label: "hmac-256", keyType: kGeneric, n: 32, spec: "HMAC_256"},
	{label: "hmac-384", keyType: pkcs11.CKK_SHA384_HMAC, n: 48, spec: "HMAC_384"},
	{label: "tool-aes-128", keyType: kAES, n: 16, tool: true, why: "AES-128"},
	{label: "generic-20", keyType: kGeneric, n: 20, why: "20-byte CKK_GENERIC_SECRET key"},
	{label: "aes-unextractable", keyType: kAES, n: 32, unextr: true, why: "CKA_EXTRACTABLE is false"},
	{label: "des3", keyType: kDES3, n: 24, noLen: true, why: "secret key type CKK_DES3"},
}

// TestForeignKeys is BYOK of material that already lives in the HSM: keys
// put there by other tools (pkcs11-tool --write-object, or C_CreateObject
// of the value as it does) are listed, every one, with the key spec their
// length matches, learnt inside the HSM where the token does not say, or
// with the reason they cannot be imported; the importable ones are wrapped
// with every algorithm the token does for their spec and unwrapped
// independently (Go's RSA-OAEP, OpenSSL's RSA-AES) to the known material.
func TestForeignKeys(t *testing.T) {
	wk := wrappingKey(t)
	for _, row := range foreignTable {
		t.Run(row.kind, func(t *testing.T) { checkForeign(t, row.new(t), row.keys, wk) })
	}
}

// TestForeignKeysSoftHSM is the same for SoftHSM, in a process of its own
// (see TestCapabilitiesSoftHSM).
func TestForeignKeysSoftHSM(t *testing.T) {
	if os.Getenv(softhsmChildEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestForeignKeysSoftHSM$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), softhsmChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "SoftHSM in its own process: %v\n%s", err, out)
		require.Contains(t, string(out), "--- PASS: TestForeignKeysSoftHSM", "SoftHSM in its own process: %v\n%s", err, out)
		t.Logf("SoftHSM in its own process:\n%s", out)
		return
	}
	checkForeign(t, hsmtest.SoftHSM(t), foreignSoftHSM, wrappingKey(t))
}

func checkForeign(t *testing.T, ht *hsmtest.Token, keys []foreign, wk *rsa.PrivateKey) {
	t.Helper()
	material := map[string][]byte{}
	for _, f := range keys {
		v := make([]byte, f.n)
		_, err := rand.Read(v)
		require.NoError(t, err)
		material[f.label] = v
		var valueLen bool
		if f.tool {
			valueLen = hsmtest.WriteAESWithTool(t, ht, f.label, v)
		} else {
			valueLen = hsmtest.PutSecret(t, ht, hsmtest.Secret{Label: f.label, KeyType: f.keyType, Value: v, Extractable: !f.unextr})
		}
		require.NotEqual(t, f.noLen, valueLen, "%s: the token gives CKA_VALUE_LEN: %v; measured before: %v", f.label, valueLen, !f.noLen)
	}
	tok := open(t, ht)
	before := count(t, tok)
	listed, err := tok.ListKeys()
	require.NoError(t, err)
	after := count(t, tok)
	require.Equal(t, before, after, "%d objects before ListKeys, %d after", before, after)
	byLabel := map[string]hsm.Key{}
	for _, k := range listed {
		byLabel[k.Label] = k
		t.Logf("listed %-18s %-17s %q", k.Label, k.KeySpec, k.NotImportable)
	}
	assert.Len(t, listed, len(keys), "%d keys listed, %d on the token", len(listed), len(keys))
	caps, err := tok.SelfTest()
	require.NoError(t, err)
	for _, f := range keys {
		k, ok := byLabel[f.label]
		switch {
		case !ok:
			t.Errorf("%s: not listed", f.label)
			continue
		case f.spec == "" && (k.NotImportable == "" || !strings.Contains(k.NotImportable, f.why)):
			t.Errorf("%s: listed as importable %q, reason %q; want a reason saying %q", f.label, k.KeySpec, k.NotImportable, f.why)
			continue
		case f.spec == "":
			refused(t, tok, caps, f, wk)
			continue
		case k.KeySpec != f.spec || k.NotImportable != "" || k.MaterialLen != f.n:
			t.Errorf("%s: listed as %q (%d bytes), reason %q; want %s, %d bytes", f.label, k.KeySpec, k.MaterialLen, k.NotImportable, f.spec, f.n)
			continue
		}
		importForeign(t, tok, caps, f, material[f.label], wk)
	}
}

// refused: a key listed as not importable cannot be wrapped either.
func refused(t *testing.T, tok *hsm.Token, caps *hsm.Capabilities, f foreign, wk *rsa.PrivateKey) {
	t.Helper()
	k, err := tok.FindKey(f.label)
	if err == nil {
		_, err = wrapCounted(t, tok, k, &wk.PublicKey, string(kmsrules.RSAESOAEPSHA1))
	}
	assert.True(t, errors.Is(err, hsm.ErrUnsupported) || errors.Is(err, hsm.ErrNotExtractable), "%s: not importable, yet FindKey and Wrap gave %v", f.label, err)
}

// importForeign wraps a listed key with every algorithm the token does for
// its spec and unwraps it independently to the known material.
func importForeign(t *testing.T, tok *hsm.Token, caps *hsm.Capabilities, f foreign, want []byte, wk *rsa.PrivateKey) {
	t.Helper()
	key, err := tok.FindKey(f.label)
	if !assert.NoError(t, err, f.label) {
		return
	}
	imported := 0
	for _, alg := range algorithms {
		if r, _ := caps.Result(mech(t, alg)); !r.OK || !allowed(f.spec, alg) {
			continue
		}
		blob, err := wrapCounted(t, tok, key, &wk.PublicKey, alg)
		switch {
		case !kmsrules.WrappingAlgorithm(alg).IsOAEP() && !caps.KWPPadsCorrectly && f.n%8 != 0:
			assert.ErrorIs(t, err, hsm.ErrUnsupported, "%s %s: %d bytes under a mis-padding AES key wrap: %v, want ErrUnsupported", f.label, alg, f.n, err)
			continue
		case err != nil:
			t.Errorf("%s %s: %v", f.label, alg, err)
			continue
		}
		if got := oracle.Unwrap(t, wk, alg, blob); !bytes.Equal(got, want) {
			t.Errorf("%s %s: unwrapped %d bytes that are not the known material", f.label, alg, len(got))
			continue
		}
		imported++
		t.Logf("%-14s %-17s %-24s unwrapped to the known material", f.label, f.spec, alg)
	}
	assert.NotZero(t, imported, "%s: imported with no algorithm", f.label)
}
