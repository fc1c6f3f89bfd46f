package crosstoken

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/testkit/oracle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// algorithms are the four non-deprecated KMS wrapping algorithms.
var algorithms = []string{string(kmsrules.RSAESOAEPSHA1), string(kmsrules.RSAESOAEPSHA256), string(kmsrules.RSAAESKeyWrapSHA1), string(kmsrules.RSAAESKeyWrapSHA256)}

// row is what one token really does, measured: which algorithms SelfTest
// must find working, which key specs the token can hold, and which it must
// refuse to generate.
type row struct {
	kind     string
	new      func(testing.TB) *hsmtest.Token
	works    map[string]bool
	holds    []string
	cannot   []string        // GenerateKey gives ErrUnsupported and leaves nothing
	except   map[string]bool // "SPEC ALG": refused although ALG works on this token
	kwp      uint            // the AES key wrap with padding SelfTest must choose
	padsOK   bool            // and whether it pads correctly
	oaepPriv bool            // wraps private keys with plain RSA-OAEP
}

var tokenTable = []row{
	{
		kind: hsmtest.KindOpencryptoki, new: hsmtest.Opencryptoki,
		// No AES key wrap at all, so no RSA_AES_KEY_WRAP_*.
		works: map[string]bool{string(kmsrules.RSAESOAEPSHA1): true, string(kmsrules.RSAESOAEPSHA256): true},
		holds: []string{"SYMMETRIC_DEFAULT", "HMAC_256", "HMAC_384", "HMAC_512", "RSA_2048"},
		// No EC key generation; no CKM_SHA224_HMAC for the HMAC_224 check value.
		cannot: []string{"HMAC_224", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"},
	},
	{
		kind: hsmtest.KindNSS, new: hsmtest.NSS,
		works: map[string]bool{string(kmsrules.RSAESOAEPSHA1): true, string(kmsrules.RSAESOAEPSHA256): true,
			string(kmsrules.RSAAESKeyWrapSHA1): true, string(kmsrules.RSAAESKeyWrapSHA256): true},
		holds: []string{"SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512",
			"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521"},
		cannot:   []string{"ECC_SECG_P256K1"},
		kwp:      hsm.CKMAESKeyWrapKWP,
		padsOK:   true,
		oaepPriv: true,
	},
}

// softhsmRow is SoftHSM 2.6.1 (Debian bookworm), run in a process of its
// own (TestCapabilitiesSoftHSM). RSA-4096 is left out: SoftHSM's keygen
// for it is slow, and nothing differs from RSA-2048.
var softhsmRow = row{
	kind: hsmtest.KindSoftHSM, new: hsmtest.SoftHSM,
	// No SHA-256 OAEP (CKR_ARGUMENTS_BAD), so neither SHA-256 algorithm.
	works: map[string]bool{string(kmsrules.RSAESOAEPSHA1): true, string(kmsrules.RSAAESKeyWrapSHA1): true},
	holds: []string{"SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512",
		"RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"},
	// 0x210A mis-pads material whose length is not a multiple of 8: RSA
	// PKCS#8 (length unknowable without exposing it), P-256 (67 bytes) and
	// P-521 (its PKCS#8 here is not aligned either) are refused; and
	// RSA-OAEP will not wrap EC private keys.
	except: map[string]bool{
		"RSA_2048 " + string(kmsrules.RSAAESKeyWrapSHA1):      true,
		"ECC_NIST_P256 " + string(kmsrules.RSAAESKeyWrapSHA1): true,
		"ECC_NIST_P521 " + string(kmsrules.RSAAESKeyWrapSHA1): true,
		"ECC_NIST_P256 " + string(kmsrules.RSAESOAEPSHA1):     true,
		"ECC_NIST_P384 " + string(kmsrules.RSAESOAEPSHA1):     true,
		"ECC_NIST_P521 " + string(kmsrules.RSAESOAEPSHA1):     true,
		"ECC_SECG_P256K1 " + string(kmsrules.RSAESOAEPSHA1):   true,
	},
	kwp: hsm.CKMAESKeyWrapPad,
}

// TestCapabilitiesMatchReality runs SelfTest on each token, holds its report
// to the table, then for every key spec the token holds and every algorithm
// KMS allows for it: wraps for real where the report says OK (unwrapped
// independently: Go's standard library for RSA-OAEP, OpenSSL for RSA-AES,
// and the result checked against the key's check value or public key), and
// expects ErrUnsupported where it says not OK.
func TestCapabilitiesMatchReality(t *testing.T) {
	wk := wrappingKey(t)
	for _, r := range tokenTable {
		t.Run(r.kind, func(t *testing.T) { checkRow(t, r, wk) })
	}
}

// TestCapabilitiesSoftHSM is the same for SoftHSM, in a fresh process: once
// a process has loaded SoftHSM, opencryptoki cannot be initialised in it
// again (see doc.go).
func TestCapabilitiesSoftHSM(t *testing.T) {
	if os.Getenv(softhsmChildEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCapabilitiesSoftHSM$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), softhsmChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "SoftHSM row in its own process: %v\n%s", err, out)
		require.Contains(t, string(out), "--- PASS: TestCapabilitiesSoftHSM", "SoftHSM row in its own process: %v\n%s", err, out)
		t.Logf("SoftHSM row in its own process:\n%s", out)
		return
	}
	checkRow(t, softhsmRow, wrappingKey(t))
}

const softhsmChildEnv = "AIRWRAP_CROSSTOKEN_SOFTHSM_CHILD"

// wrappingKey stands in for KMS's wrapping key: RSA-3072, whose
// OAEP-SHA-256 carries 318 bytes, enough for every EC PKCS#8.
func wrappingKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	wk, err := rsa.GenerateKey(rand.Reader, 3072)
	require.NoError(t, err)
	return wk
}

func checkRow(t *testing.T, row row, wk *rsa.PrivateKey) {
	tok := open(t, row.new(t))
	caps, err := tok.SelfTest()
	require.NoError(t, err)
	for _, alg := range algorithms {
		r, ok := caps.Result(mech(t, alg))
		assert.True(t, ok, "SelfTest says %s OK=%v (%s), the token really does OK=%v", alg, r.OK, r.Reason, row.works[alg])
		assert.Equal(t, row.works[alg], r.OK, "SelfTest says %s OK=%v (%s), the token really does OK=%v", alg, r.OK, r.Reason, row.works[alg])
		assert.False(t, !r.OK && r.Reason == "", "%s not OK without a reason", alg)
	}
	msg := []any{"KWP %s pads correctly %v, OAEP private keys %v; want %s, %v, %v",
		caps.KWPMechanismName, caps.KWPPadsCorrectly, caps.OAEPPrivateKeys, hsm.MechanismName(row.kwp), row.padsOK, row.oaepPriv}
	assert.Equal(t, row.kwp, caps.KWPMechanism, msg...)
	assert.Equal(t, row.padsOK, caps.KWPPadsCorrectly, msg...)
	assert.Equal(t, row.oaepPriv, caps.OAEPPrivateKeys, msg...)
	for _, spec := range row.holds {
		key := generate(t, tok, spec)
		for _, alg := range algorithms {
			if !allowed(spec, alg) {
				continue
			}
			works := row.works[alg] && !row.except[spec+" "+alg]
			blob, err := wrapCounted(t, tok, key, &wk.PublicKey, alg)
			switch {
			case !works && errors.Is(err, hsm.ErrUnsupported):
				continue // refused, as the report says
			case !works:
				t.Errorf("%s %s: the token cannot, Wrap gave %v", spec, alg, err)
				continue
			case err != nil:
				t.Errorf("%s %s: %v", spec, alg, err)
				continue
			}
			material := oracle.Unwrap(t, wk, alg, blob)
			checkMaterial(t, key, material)
			t.Logf("%-17s %-24s %4d bytes wrapped, %4d of material: checked", spec, alg, len(blob), len(material))
		}
	}
	for _, spec := range row.cannot {
		before := count(t, tok)
		_, err := ceremony.GenerateKey(tok, "cannot-"+spec, spec)
		assert.ErrorIs(t, err, hsm.ErrUnsupported, "%s: GenerateKey gave %v, want ErrUnsupported", spec, err)
		after := count(t, tok)
		assert.Equal(t, before, after, "%s: %d objects before the refused GenerateKey, %d after", spec, before, after)
	}
}
