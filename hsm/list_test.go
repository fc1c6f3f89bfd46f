package hsm

import (
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestListKeysShowsEveryKey: ListKeys lists every secret and private key;
// each one that cannot be imported carries the reason, none is dropped.
func TestListKeysShowsEveryKey(t *testing.T) {
	tok, _ := openTest(t)
	v := make([]byte, 32)
	rand.Read(v)
	knownSecret(t, tok, "aes-256", pkcs11.CKK_AES, v)
	knownSecret(t, tok, "aes-128", pkcs11.CKK_AES, v[:16])
	knownSecret(t, tok, "generic-20", pkcs11.CKK_GENERIC_SECRET, v[:20])
	// An HMAC key the token will not HMAC with (CKA_SIGN false): no check value.
	createObject(t, tok, append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_GENERIC_SECRET),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, v),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, false),
	}, tokenKeyAttrs("hmac-nosign", []byte("id-hmac-nosign"))...))
	knownRSA(t, tok, "rsa-1024", goRSA(t, 1024))
	knownEC(t, tok, "p256", goEC(t, elliptic.P256()))
	// P-224: a curve KMS does not import (SoftHSM holds it).
	createObject(t, tok, append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, []byte{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x21}),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, v[:28]),
	}, tokenKeyAttrs("p224", []byte("id-p224"))...))

	want := map[string]string{ // label: the reason, "" if importable
		"aes-256":     "",
		"p256":        "",
		"aes-128":     "AES-128: KMS imports AES-256 only",
		"generic-20":  "20-byte CKK_GENERIC_SECRET key: KMS HMAC keys are 28, 32, 48 or 64 bytes",
		"hmac-nosign": "check value of key \"hmac-nosign\" (needs CKA_SIGN)",
		"rsa-1024":    "RSA-1024: KMS imports RSA keys of 2048, 3072 or 4096 bits",
		"p224":        "an EC curve KMS does not import",
	}
	keys, err := tok.ListKeys()
	require.NoError(t, err)
	assert.Len(t, keys, len(want), "%d keys listed, want %d", len(keys), len(want))
	for _, k := range keys {
		why, ok := want[k.Label]
		switch {
		case !ok:
			t.Errorf("listed %q, not on the token", k.Label)
		case why == "" && (k.NotImportable != "" || k.KeySpec == ""):
			t.Errorf("%s: %q, not importable: %q", k.Label, k.KeySpec, k.NotImportable)
		case why != "" && !strings.Contains(k.NotImportable, why):
			t.Errorf("%s: reason %q, want one saying %q", k.Label, k.NotImportable, why)
		}
		delete(want, k.Label)
	}
	assert.Empty(t, want, "keys not listed")
	// FindKey refuses such a key with the same reason.
	_, err = tok.FindKey("aes-128")
	assert.ErrorIs(t, err, ErrUnsupported, "FindKey of an AES-128 key: %v", err)
	assert.ErrorContains(t, err, "KMS imports AES-256 only", "FindKey of an AES-128 key: %v", err)
}
