package hsm

import (
	"bytes"
	"errors"
	"testing"

	"github.com/miekg/pkcs11"
)

// FindKeyID finds a key by CKA_ID alone or with its label; an id no key
// has, an id with another key's label, and an id two keys share are refused.
func TestFindKeyID(t *testing.T) {
	tok, _ := openTest(t)
	knownSecret(t, tok, "a", pkcs11.CKK_AES, bytes.Repeat([]byte{1}, 32))
	knownSecret(t, tok, "b", pkcs11.CKK_AES, bytes.Repeat([]byte{2}, 32))
	gen, err := tok.GenerateKey("ec", specParams(t, "ECC_NIST_P256")) // a pair: the public half shares the id
	if err != nil {
		t.Fatal(err)
	}
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
		if err != nil || k.Label != c.want || !bytes.Equal(k.ID, c.id) {
			t.Errorf("FindKeyID(%q, %x) = %v, %v; want %q", c.label, c.id, k, err, c.want)
		}
	}
	for _, c := range []struct {
		label string
		id    []byte
	}{{"", []byte("nothing")}, {"b", []byte("id-a")}, {"", nil}} {
		if _, err := tok.FindKeyID(c.label, c.id); !errors.Is(err, ErrKeyNotFound) {
			t.Errorf("FindKeyID(%q, %x): %v, want ErrKeyNotFound", c.label, c.id, err)
		}
	}
	createObject(t, tok, append([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, bytes.Repeat([]byte{3}, 32)),
	}, tokenKeyAttrs("c", []byte("id-a"))...))
	if _, err := tok.FindKeyID("", []byte("id-a")); !errors.Is(err, ErrDuplicateLabel) {
		t.Errorf("shared id: %v, want ErrDuplicateLabel", err)
	}
	if k, err := tok.FindKeyID("c", []byte("id-a")); err != nil || k.Label != "c" {
		t.Errorf("shared id with label: %v, %v", k, err)
	}
}
