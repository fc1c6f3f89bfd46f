package hsm

import (
	"bytes"
	"fmt"

	"github.com/miekg/pkcs11"
)

// handleCache is where a Token found a key. The object handle names that
// object in this Token's session until the object is destroyed.
type handleCache struct {
	tok *Token
	h   pkcs11.ObjectHandle
}

// current finds key's object again and describes it as it is now, refusing
// one that is no longer the key the caller saw.
//
// A key this Token found keeps its handle, so no search is needed: the
// object behind the handle is read once (label, id, type, size,
// extractable) and the HSM computes the check value, which must match the
// key's, as must label, id and key spec. An EC key's check value comes
// from its public object, which would take a search to find, so for EC
// keys label, 16-byte id and curve decide. Anything else (a key found by
// another Token, a handle that no longer matches) is searched for by label
// and id and described in full, as before. (A search on a token of 1,000
// keys costs about 30 ms on SoftHSM 2.6.1, a wrap about 0.3 ms: see
// docs/PERFORMANCE.md.)
func (t *Token) current(key *Key) (pkcs11.ObjectHandle, uint, *Key, error) {
	if class, ok := classOf(key.Class); ok && key.at.tok == t && key.at.h != 0 {
		now, err := t.describeAs(key.at.h, class, true)
		if err == nil && now.Label == key.Label && bytes.Equal(now.ID, key.ID) && now.KeySpec == key.KeySpec &&
			(now.CheckValue == nil && key.Curve != "" || now.CheckValue != nil && bytes.Equal(now.CheckValue, key.CheckValue)) {
			return key.at.h, class, now, nil
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

func classOf(c string) (uint, bool) {
	switch c {
	case "secret":
		return pkcs11.CKO_SECRET_KEY, true
	case "private":
		return pkcs11.CKO_PRIVATE_KEY, true
	}
	return 0, false
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
		for _, h := range hs {
			l := string(t.attrs(h, pkcs11.CKA_LABEL)[pkcs11.CKA_LABEL])
			if found, ok := want[l]; ok {
				want[l] = append(found, obj{h, class})
			}
		}
	}
	for i, l := range labels {
		switch found := want[l]; len(found) {
		case 0:
			errs[i] = fmt.Errorf("%w: %q on token %q", ErrKeyNotFound, l, t.info.Label)
		case 1:
			keys[i], errs[i] = t.describeFound(l, found[0].h, found[0].class)
		default:
			errs[i] = fmt.Errorf("%w: %d keys are labelled %q; give each key a unique label", ErrDuplicateLabel, len(found), l)
		}
	}
	return keys, errs
}

// describeFound describes the key found for label as findKey does.
func (t *Token) describeFound(label string, h pkcs11.ObjectHandle, class uint) (*Key, error) {
	k, err := t.describe(h, class)
	if err != nil {
		return nil, err
	}
	if k.KeySpec == "" {
		return nil, fmt.Errorf("%w: key %q matches no importable KMS key spec", ErrUnsupported, label)
	}
	return k, nil
}
