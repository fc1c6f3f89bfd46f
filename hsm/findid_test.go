package hsm

import (
	"bytes"
	"testing"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FindKeyID finds a key by CKA_ID alone or with its label; an id no key
// has, an id with another key's label, and an id two keys share are refused.
func TestFindKeyID(t *testing.T) {
	tok, _ := openTest(t)
	knownSecret(t, tok, "a", pkcs11.CKK_AES, bytes.Repeat([]byte{1}, 32))
	knownSecret(t, tok, "b", pkcs11.CKK_AES, bytes.Repeat([]byte{2}, 32))
	gen, err := tok.GenerateKey("ec", specParams(t, "ECC_NIST_P256")) // a pair: the public half shares the id
	require.NoError(t, err)
	for _, c := range []struct {
		label string
		id    []byte
		want  string
	}{
		{"", []byte("id-a"), "a"},
		{"b", []byte("id-b"), "b"},
		{"", gen.ID, "ec"},
	} {
		k, err := tok.FindKeyID(c.label, c.id)
		if assert.NoError(t, err, "FindKeyID(%q, %x)", c.label, c.id) {
			assert.Equal(t, c.want, k.Label, "FindKeyID(%q, %x): label", c.label, c.id)
			assert.Equal(t, c.id, k.ID, "FindKeyID(%q, %x): id", c.label, c.id)
		}
	}
	for _, c := range []struct {
		label string
		id    []byte
	}{{"", []byte("nothing")}, {"b", []byte("id-a")}, {"", nil}} {
		_, err := tok.FindKeyID(c.label, c.id)
		assert.ErrorIs(t, err, ErrKeyNotFound, "FindKeyID(%q, %x)", c.label, c.id)
	}
	createObject(t, tok, append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, bytes.Repeat([]byte{3}, 32)),
	}, tokenKeyAttrs("c", []byte("id-a"))...))
	_, err = tok.FindKeyID("", []byte("id-a"))
	assert.ErrorIs(t, err, ErrDuplicateLabel, "shared id")
	k, err := tok.FindKeyID("c", []byte("id-a"))
	if assert.NoError(t, err, "shared id with label") {
		assert.Equal(t, "c", k.Label, "shared id with label")
	}
}
