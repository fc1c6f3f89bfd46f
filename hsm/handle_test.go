package hsm

import (
	"bytes"
	"errors"
	"testing"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFindKeysAnswersAsFindKey: one batch lookup gives, label by label,
// what FindKey gives: the same keys, ErrKeyNotFound, ErrDuplicateLabel;
// whether it searches by label or scans the token, and whichever label
// comes first.
func TestFindKeysAnswersAsFindKey(t *testing.T) {
	for _, c := range []struct {
		name     string
		strategy int
		first    string
	}{{"measured", lookupMeasured, "aes"}, {"by-label", lookupByLabel, "aes"}, {"scan", lookupByScan, "aes"},
		{"scan-after-missing", lookupByScan, "missing"}, {"scan-after-duplicate", lookupByScan, "dup"}} {
		t.Run(c.name, func(t *testing.T) {
			forceLookup = c.strategy
			t.Cleanup(func() { forceLookup = lookupMeasured })
			findKeysAsFindKey(t, c.first)
		})
	}
}

func findKeysAsFindKey(t *testing.T, first string) {
	tok, _ := openTest(t)
	for _, k := range []struct{ label, spec string }{{"aes", "SYMMETRIC_DEFAULT"}, {"mac", "HMAC_256"}, {"ec", "ECC_NIST_P256"}} {
		_, err := tok.GenerateKey(k.label, specParams(t, k.spec))
		require.NoError(t, err)
	}
	knownSecret(t, tok, "dup", pkcs11.CKK_AES, bytes.Repeat([]byte{1}, 32))
	knownSecret(t, tok, "dup", pkcs11.CKK_AES, bytes.Repeat([]byte{2}, 32))
	labels := []string{first, "aes", "missing", "mac", "dup", "ec", "aes"}
	keys, errs := tok.FindKeys(labels)
	assert.False(t, keys[1] != nil && keys[1] == keys[6], "a label asked for twice gave one *Key twice; each entry gets its own copy")
	for i, l := range labels {
		want, werr := tok.FindKey(l)
		switch {
		case werr != nil:
			assert.False(t, keys[i] != nil || errs[i] == nil, "%s: FindKeys gave %v, %v; FindKey %v", l, keys[i], errs[i], werr)
			for _, sentinel := range []error{ErrKeyNotFound, ErrDuplicateLabel} {
				assert.Equal(t, errors.Is(errs[i], sentinel), errors.Is(werr, sentinel), "%s: FindKeys error %v, FindKey error %v", l, errs[i], werr)
			}
		case errs[i] != nil:
			t.Errorf("%s: %v", l, errs[i])
		case keys[i].KeySpec != want.KeySpec || !bytes.Equal(keys[i].ID, want.ID) || !bytes.Equal(keys[i].CheckValue, want.CheckValue) || keys[i].Label != l:
			t.Errorf("%s: FindKeys %+v, FindKey %+v", l, keys[i], want)
		}
	}
	require.ErrorIs(t, errs[2], ErrKeyNotFound, "missing: %v; dup: %v", errs[2], errs[4])
	require.ErrorIs(t, errs[4], ErrDuplicateLabel, "missing: %v; dup: %v", errs[2], errs[4])
}

// TestWrapRefusesReplacedKey: a key found, then destroyed and replaced by
// another with the same label and id, is not wrapped in its place, whether
// or not the token hands out the old handle again.
func TestWrapRefusesReplacedKey(t *testing.T) {
	tok, _ := openTest(t)
	_, err := tok.SelfTest()
	require.NoError(t, err)
	knownSecret(t, tok, "k", pkcs11.CKK_AES, bytes.Repeat([]byte{1}, 32))
	k := findKey(t, tok, "k")
	wrapping := goRSA(t, 2048)
	_, err = wrapCounted(t, tok, k, &wrapping.PublicKey, OAEPSHA1)
	require.NoError(t, err)
	tok.mu.Lock()
	err = tok.p.DestroyObject(tok.sh, k.at.h)
	tok.mu.Unlock()
	require.NoError(t, err)
	knownSecret(t, tok, "k", pkcs11.CKK_AES, bytes.Repeat([]byte{2}, 32))
	_, err = wrapCounted(t, tok, k, &wrapping.PublicKey, OAEPSHA1)
	require.Error(t, err, "wrapped the replacement key in place of the one found")
	// Found again, it is the new key and wraps.
	_, err = wrapCounted(t, tok, findKey(t, tok, "k"), &wrapping.PublicKey, OAEPSHA1)
	require.NoError(t, err)
}

// TestWrapKeyFromAnotherSession: a Key another Token found is searched for
// again and still wraps.
func TestWrapKeyFromAnotherSession(t *testing.T) {
	tok, st := openTest(t)
	_, err := tok.SelfTest()
	require.NoError(t, err)
	_, err = tok.GenerateKey("k", specParams(t, "SYMMETRIC_DEFAULT"))
	require.NoError(t, err)
	other, err := Open(Config{ModulePath: st.Module, TokenLabel: st.Label, PIN: []byte(st.PIN), HMACCheckInput: testHMACCheckInput})
	require.NoError(t, err)
	k, err := other.FindKey("k")
	require.NoError(t, err)
	wrapping := goRSA(t, 2048)
	_, err = wrapCounted(t, tok, k, &wrapping.PublicKey, OAEPSHA1)
	require.NoError(t, err)
	require.NoError(t, other.Close())
}
