package hsm

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/miekg/pkcs11"
)

// ListKeys lists every secret or private key on the token whose type and
// size match a KMS key spec, with a check value. Keys that are not
// extractable (signers, for example) are listed with Extractable false.
func (t *Token) ListKeys() ([]Key, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var keys []Key
	for _, class := range []uint{pkcs11.CKO_SECRET_KEY, pkcs11.CKO_PRIVATE_KEY} {
		hs, err := t.find([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class)})
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			k, err := t.describe(h, class)
			if err != nil && (k == nil || k.KeySpec == "") {
				return nil, err
			}
			// A key whose check value the token will not compute (an HMAC
			// key without CKA_SIGN, say) is listed without one; FindKey
			// returns the error.
			if k.KeySpec != "" {
				keys = append(keys, *k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b Key) int {
		if c := bytes.Compare([]byte(a.Label), []byte(b.Label)); c != 0 {
			return c
		}
		return bytes.Compare(a.ID, b.ID)
	})
	return keys, nil
}

// FindKey finds the one secret or private key with this label
// (ErrKeyNotFound, ErrDuplicateLabel).
func (t *Token) FindKey(label string) (*Key, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.findKey(label)
}

func (t *Token) findKey(label string) (*Key, error) {
	h, class, err := t.keyHandle(label, nil)
	if err != nil {
		return nil, err
	}
	return t.describeFound(label, h, class, nil)
}

// keyHandle finds the one secret or private key with label (and id, if
// given). One C_FindObjects by label, then the class of each match: on a
// token holding many objects every C_FindObjects scans them all (SoftHSM
// 2.6.1 with 1,000 keys: about 30 ms a scan), so it scans once, not once
// per class.
func (t *Token) keyHandle(label string, id []byte) (pkcs11.ObjectHandle, uint, error) {
	tmpl := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, label)}
	if id != nil {
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_ID, id))
	}
	hs, err := t.find(tmpl)
	if err != nil {
		return 0, 0, err
	}
	return t.pickKey(label, hs)
}

// pickKey is the one secret or private key among the objects hs a search
// for label found (the class of each is read).
func (t *Token) pickKey(label string, hs []pkcs11.ObjectHandle) (pkcs11.ObjectHandle, uint, error) {
	var found []pkcs11.ObjectHandle
	var classes []uint
	for _, h := range hs {
		class, ok := ulong(t.attrs(h, pkcs11.CKA_CLASS)[pkcs11.CKA_CLASS])
		if ok && (class == pkcs11.CKO_SECRET_KEY || class == pkcs11.CKO_PRIVATE_KEY) {
			found = append(found, h)
			classes = append(classes, class)
		}
	}
	switch len(found) {
	case 0:
		return 0, 0, fmt.Errorf("%w: %q on token %q", ErrKeyNotFound, label, t.info.Label)
	case 1:
		return found[0], classes[0], nil
	}
	return 0, 0, fmt.Errorf("%w: %d keys are labelled %q; give each key a unique label", ErrDuplicateLabel, len(found), label)
}

// describe reads what airwrap needs to know about a key, and its check value.
func (t *Token) describe(h pkcs11.ObjectHandle, class uint) (*Key, error) {
	return t.describeAs(h, class, false)
}

// describeAs is describe; light leaves out the calls that do not compute
// the check value itself (a secret key's stored CKA_CHECK_VALUE) and an EC
// key's public point (a search of the token), so an EC key has no check
// value then.
func (t *Token) describeAs(h pkcs11.ObjectHandle, class uint, light bool) (*Key, error) {
	return t.describeFrom(h, class, t.attrs(h, describeTypes(class)...), light)
}

// describeTypes are the attributes describe reads first, in one call.
func describeTypes(class uint) []uint {
	types := []uint{pkcs11.CKA_LABEL, pkcs11.CKA_ID, pkcs11.CKA_KEY_TYPE, pkcs11.CKA_EXTRACTABLE, pkcs11.CKA_SENSITIVE}
	if class == pkcs11.CKO_SECRET_KEY {
		types = append(types, pkcs11.CKA_VALUE_LEN)
	}
	return types
}

// describeFrom is describeAs with describeTypes(class) already read into a.
func (t *Token) describeFrom(h pkcs11.ObjectHandle, class uint, a map[uint][]byte, light bool) (*Key, error) {
	kt, _ := ulong(a[pkcs11.CKA_KEY_TYPE])
	k := &Key{
		Label:       string(a[pkcs11.CKA_LABEL]),
		ID:          a[pkcs11.CKA_ID],
		Extractable: boolAttr(a[pkcs11.CKA_EXTRACTABLE]),
		Sensitive:   boolAttr(a[pkcs11.CKA_SENSITIVE]),
		Signer:      bytes.HasPrefix(a[pkcs11.CKA_ID], SignerIDPrefix),
		at:          handleCache{tok: t, h: h, label: string(a[pkcs11.CKA_LABEL]), id: string(a[pkcs11.CKA_ID])},
	}
	if class == pkcs11.CKO_SECRET_KEY {
		k.Class = "secret"
		n, _ := ulong(a[pkcs11.CKA_VALUE_LEN])
		k.MaterialLen = int(n)
		k.KeySpec = secretSpec(kt, int(n))
		if k.KeySpec == "" {
			return k, nil
		}
		if light {
			return k, t.computedCheckValue(h, k)
		}
		return k, t.secretCheckValueFrom(h, k, a)
	}
	k.Class = "private"
	switch kt {
	case pkcs11.CKK_RSA:
		return k, t.describeRSA(h, k)
	case pkcs11.CKK_EC:
		return k, t.describeEC(h, k, !light)
	}
	return k, nil
}

// secretSpec maps a secret key's type and length to a KMS key spec.
func secretSpec(keyType uint, n int) string {
	switch keyType {
	case pkcs11.CKK_AES:
		if n == 32 {
			return "SYMMETRIC_DEFAULT"
		}
	case pkcs11.CKK_GENERIC_SECRET, pkcs11.CKK_SHA224_HMAC, pkcs11.CKK_SHA256_HMAC,
		pkcs11.CKK_SHA384_HMAC, pkcs11.CKK_SHA512_HMAC:
		switch n {
		case 28, 32, 48, 64:
			return fmt.Sprintf("HMAC_%d", n*8)
		}
	}
	return ""
}
