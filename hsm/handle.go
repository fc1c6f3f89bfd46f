package hsm

import (
	"bytes"
	"fmt"

	"github.com/miekg/pkcs11"
)

// handleCache is where a Token found a key. The object handle names that
// object in this Token's session until the object is destroyed.
type handleCache struct {
	tok       *Token
	h         pkcs11.ObjectHandle
	label, id string // as the token gave them for h
	proof     []byte // secret keys: the whole computation the check value is cut from (AES-ECB block, HMAC)
}

// current finds key's object again and describes it as it is now, refusing
// one that is no longer the key the caller saw.
//
// A key this Token found keeps its handle (with the label and id it had),
// so no search is needed while the Key still names that label and id. For
// a secret key the HSM recomputes, under that handle, the whole
// computation its check value was cut from (16 bytes of AES-ECB, or the
// HMAC): equal means the same key material, whatever object the handle
// names, so no attribute is read. A private key's object is read once (label, id, type,
// size, extractable; an RSA key's modulus): label, id and key spec must
// match, and an RSA key's check value; an EC key's comes from its public
// object, which would take a search to find, so label, 16-byte id and curve
// decide. Anything else (a key found by another Token, a handle that no
// longer matches) is searched for by label and id and described in full.
// A search on a token of 1,000 keys costs about 30 ms on SoftHSM 2.6.1, an
// attribute read about 0.2 ms, a wrap about 0.25 ms: see docs/PERFORMANCE.md.
func (t *Token) current(key *Key) (pkcs11.ObjectHandle, uint, *Key, error) {
	cached := key.at.tok == t && key.at.h != 0 && key.Label == key.at.label && string(key.ID) == key.at.id
	if cached && key.Class == "secret" && key.CheckValue != nil && len(key.at.proof) > 0 {
		now := *key
		err := t.computedCheckValue(key.at.h, &now)
		if err == nil && bytes.Equal(now.at.proof, key.at.proof) && bytes.Equal(now.CheckValue, key.CheckValue) {
			return key.at.h, pkcs11.CKO_SECRET_KEY, &now, nil
		}
	}
	if cached && key.Class == "private" {
		now, err := t.describeAs(key.at.h, pkcs11.CKO_PRIVATE_KEY, true)
		if err == nil && now.Label == key.Label && bytes.Equal(now.ID, key.ID) && now.KeySpec == key.KeySpec &&
			(now.CheckValue == nil && key.Curve != "" || now.CheckValue != nil && bytes.Equal(now.CheckValue, key.CheckValue)) {
			return key.at.h, pkcs11.CKO_PRIVATE_KEY, now, nil
		}
	}
	target, class, err := t.keyHandle(key.Label, key.ID)
	if err != nil {
		return 0, 0, nil, err
	}
	now, err := t.describe(target, class)
	if err != nil {
		return 0, 0, nil, err
	}
	if now.KeySpec != key.KeySpec || (key.CheckValue != nil && !bytes.Equal(now.CheckValue, key.CheckValue)) {
		return 0, 0, nil, fmt.Errorf("key %q on the token is now %s with check value %x, not %s with %x: find it again",
			key.Label, now.KeySpec, now.CheckValue, key.KeySpec, key.CheckValue)
	}
	return target, class, now, nil
}

// FindKeys is FindKey for many labels at once, with two scans of the token
// (secret keys, private keys) instead of one per label: a batch ceremony of
// n keys would otherwise scan the token n times. keys[i] and errs[i] answer
// labels[i] as FindKey(labels[i]) would (ErrKeyNotFound, ErrDuplicateLabel).
func (t *Token) FindKeys(labels []string) (keys []*Key, errs []error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys, errs = make([]*Key, len(labels)), make([]error, len(labels))
	type obj struct {
		h     pkcs11.ObjectHandle
		class uint
		a     map[uint][]byte
	}
	want := map[string][]obj{}
	for _, l := range labels {
		want[l] = nil
	}
	for _, class := range []uint{pkcs11.CKO_SECRET_KEY, pkcs11.CKO_PRIVATE_KEY} {
		hs, err := t.find([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class)})
		if err != nil {
			for i := range errs {
				errs[i] = err
			}
			return keys, errs
		}
		types := describeTypes(class)
		withCV := class == pkcs11.CKO_SECRET_KEY // CKA_CHECK_VALUE too, while the token gives it
		for _, h := range hs {
			var a map[uint][]byte
			if withCV {
				if a, withCV = t.attrsAll(h, append(types, pkcs11.CKA_CHECK_VALUE)...); !withCV {
					a = nil
				}
			}
			if a == nil {
				a = t.attrs(h, types...) // what describe reads: one call per object
			}
			l := string(a[pkcs11.CKA_LABEL])
			if found, ok := want[l]; ok {
				want[l] = append(found, obj{h, class, a})
			}
		}
	}
	for i, l := range labels {
		switch found := want[l]; len(found) {
		case 0:
			errs[i] = fmt.Errorf("%w: %q on token %q", ErrKeyNotFound, l, t.info.Label)
		case 1:
			keys[i], errs[i] = t.describeFound(l, found[0].h, found[0].class, found[0].a)
		default:
			errs[i] = fmt.Errorf("%w: %d keys are labelled %q; give each key a unique label", ErrDuplicateLabel, len(found), l)
		}
	}
	return keys, errs
}

// describeFound describes the key found for label as findKey does, from
// its attributes a when they have been read already (nil: read them).
func (t *Token) describeFound(label string, h pkcs11.ObjectHandle, class uint, a map[uint][]byte) (*Key, error) {
	if a == nil {
		a = t.attrs(h, describeTypes(class)...)
	}
	k, err := t.describeFrom(h, class, a, false)
	if err != nil {
		return nil, err
	}
	if k.KeySpec == "" {
		return nil, fmt.Errorf("%w: key %q matches no importable KMS key spec: %s", ErrUnsupported, label, k.NotImportable)
	}
	return k, nil
}

// attrsAll reads every one of types in one call; ok is false when the
// token did not give them all.
func (t *Token) attrsAll(h pkcs11.ObjectHandle, types ...uint) (map[uint][]byte, bool) {
	tmpl := make([]*pkcs11.Attribute, len(types))
	for i, ty := range types {
		tmpl[i] = pkcs11.NewAttribute(ty, nil)
	}
	got, err := t.p.GetAttributeValue(t.sh, h, tmpl)
	if err != nil || len(got) != len(types) {
		return nil, false
	}
	out := make(map[uint][]byte, len(got))
	for _, a := range got {
		out[a.Type] = a.Value
	}
	return out, true
}
