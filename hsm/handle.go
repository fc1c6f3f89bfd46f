package hsm

import (
	"bytes"
	"fmt"
	"time"

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
// A search scans the whole token on SoftHSM and costs far more than an
// attribute read or a wrap (measured in docs/PERFORMANCE.md).
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

// FindKeys is FindKey for many labels at once. keys[i] and errs[i] answer
// labels[i] as FindKey(labels[i]) would (ErrKeyNotFound, ErrDuplicateLabel).
//
// Two ways to find a batch, and the cheaper one depends on the token:
//   - by label: one search per label (C_FindObjectsInit, one C_FindObjects,
//     C_FindObjectsFinal: find), then the class of each match with the
//     key's attributes: a fixed number of calls per key, whatever the
//     token holds. On a networked or USB HSM, where every call is a round
//     trip, this is what a small batch should cost.
//   - by scan: list the token's secret and private keys, read each one's
//     attributes once, keep those with a wanted label: one attribute read per
//     key object on the token. SoftHSM searches by reading every object (a
//     search of a 1,000-key token costs as much as several hundred attribute
//     reads), so there a scan wins for any batch of more than a few keys.
//
// FindKeys measures on the token itself: it finds the first label by label,
// timing the search and the attribute read, and then lists the token only
// as far as a scan could still be cheaper than searching for the other
// labels one by one. A one-key batch, or a token holding many more keys
// than the batch asks for, costs the same calls on a token of 10 keys as on
// one of 10,000. docs/PERFORMANCE.md has the measurements.
func (t *Token) FindKeys(labels []string) (keys []*Key, errs []error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys, errs = make([]*Key, len(labels)), make([]error, len(labels))
	var uniq []string
	at := map[string][]int{} // label -> where it is in labels
	for i, l := range labels {
		if _, ok := at[l]; !ok {
			uniq = append(uniq, l)
		}
		at[l] = append(at[l], i)
	}
	if len(uniq) == 0 {
		return keys, errs
	}
	answer := func(l string, k *Key, err error) {
		for n, i := range at[l] {
			if k != nil && n > 0 {
				c := *k // each entry its own copy, as FindKey gives
				k = &c
			}
			keys[i], errs[i] = k, err
		}
	}
	// The first label by label, timed.
	t0 := time.Now()
	h, class, a, tRead, err := t.byLabel(uniq[0])
	tSearch := time.Since(t0) - tRead
	if err == nil {
		if a == nil {
			t1 := time.Now()
			a = t.keyAttrs(h, class)
			tRead = time.Since(t1)
		}
		k, err := t.describeFound(uniq[0], h, class, a)
		answer(uniq[0], k, err)
	} else {
		answer(uniq[0], nil, err)
	}
	rest := uniq[1:]
	if len(rest) == 0 {
		return keys, errs
	}
	if objs, ok := t.scanWorthIt(len(rest), tSearch, tRead); ok {
		t.answerFromScan(rest, objs, answer)
		return keys, errs
	}
	for _, l := range rest {
		h, class, a, _, err := t.byLabel(l)
		if err != nil {
			answer(l, nil, err)
			continue
		}
		if a == nil {
			a = t.keyAttrs(h, class)
		}
		k, err := t.describeFound(l, h, class, a)
		answer(l, k, err)
	}
	return keys, errs
}

// byLabel is keyHandle(label, nil) for FindKeys, one call cheaper for the
// usual key: where the search finds one object, its class is read with
// what describe reads of a secret key (and CKA_CHECK_VALUE) in one call,
// which took read. Where that call fails (not a secret key, or a token
// without CKA_CHECK_VALUE), or the search finds more than one object (a
// key pair's public half carries the label too), it goes on as pickKey
// does: a is then a private key's attributes (read: one object's read),
// or nil.
func (t *Token) byLabel(label string) (h pkcs11.ObjectHandle, class uint, a map[uint][]byte, read time.Duration, err error) {
	hs, err := t.find([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, label)})
	if err != nil {
		return 0, 0, nil, 0, err
	}
	if len(hs) == 1 {
		t0 := time.Now()
		types := append([]uint{pkcs11.CKA_CLASS, pkcs11.CKA_CHECK_VALUE}, describeTypes(pkcs11.CKO_SECRET_KEY)...)
		a, ok := t.attrsAll(hs[0], types...)
		if c, _ := ulong(a[pkcs11.CKA_CLASS]); ok && c == pkcs11.CKO_SECRET_KEY {
			return hs[0], c, a, time.Since(t0), nil
		}
	}
	t0 := time.Now()
	h, class, a, err = t.pickKey(label, hs)
	if a != nil {
		read = time.Since(t0) / time.Duration(len(hs)) // one read per object found
	}
	return h, class, a, read, err
}

// lookup strategies; forceLookup, set by tests, overrides the measurement.
const (
	lookupMeasured = iota
	lookupByLabel
	lookupByScan
)

var forceLookup = lookupMeasured

// maxScan bounds a scan's listing (more key objects than any token holds).
const maxScan = 1 << 30

// keyObj is a key object listed by a scan.
type keyObj struct {
	h     pkcs11.ObjectHandle
	class uint
}

// scanWorthIt decides, from what finding one key by label cost (tSearch
// for the search and the class of each match, tRead for reading a key's
// attributes), whether reading every key object on the token is cheaper
// than n more searches; it lists the token's secret and private keys only
// while that can still be so, and returns them when it is.
func (t *Token) scanWorthIt(n int, tSearch, tRead time.Duration) ([]keyObj, bool) {
	// A scan reads every key object once (tRead each) after listing them
	// (two searches); by label, each of n labels costs a search and a read.
	budget := maxScan
	switch {
	case forceLookup == lookupByLabel:
		return nil, false
	case forceLookup == lookupMeasured && tRead > 0:
		cost := float64(n)*float64(tSearch+tRead) - 2*float64(tSearch)
		budget = int(min(cost/float64(tRead), maxScan))
		if budget <= n {
			// The token holds the key found and, unless they are missing,
			// the n asked for: more than a scan could read in time. Not
			// listing saves a search (3 calls); for n = 2 the budget is
			// exactly 2, whatever the timings.
			return nil, false
		}
	case forceLookup == lookupMeasured:
		budget = 3 * n // the first label was not found: count calls instead (a search is 3 calls, a read 1)
	}
	var objs []keyObj
	for _, class := range []uint{pkcs11.CKO_SECRET_KEY, pkcs11.CKO_PRIVATE_KEY} {
		hs, more, err := t.findUpTo([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class)}, budget-len(objs))
		if err != nil || more {
			return nil, false // by label: each search reports its own error
		}
		for _, h := range hs {
			objs = append(objs, keyObj{h, class})
		}
	}
	return objs, true
}

// findUpTo returns the objects matching tmpl, unless there are more than
// max: then more is true and the search stops there. It asks for max+1
// handles at once, so a token holding many more costs no more calls than
// one holding a few.
func (t *Token) findUpTo(tmpl []*pkcs11.Attribute, max int) (hs []pkcs11.ObjectHandle, more bool, err error) {
	if max < 0 {
		return nil, true, nil
	}
	if err := t.p.FindObjectsInit(t.sh, tmpl); err != nil {
		return nil, false, fmt.Errorf("C_FindObjectsInit: %w", err)
	}
	chunk := min(max+1, 4096)
	for {
		got, _, ferr := t.p.FindObjects(t.sh, chunk)
		if ferr != nil {
			err = fmt.Errorf("C_FindObjects: %w", ferr)
			break
		}
		hs = append(hs, got...)
		if len(hs) > max {
			hs, more = nil, true
			break
		}
		if len(got) < chunk {
			break // a short answer ends the search, as in find
		}
	}
	if ferr := t.p.FindObjectsFinal(t.sh); ferr != nil && err == nil {
		err = fmt.Errorf("C_FindObjectsFinal: %w", ferr)
	}
	return hs, more, err
}

// answerFromScan reads the attributes of every listed key object once and
// answers each label from the objects that carry it.
func (t *Token) answerFromScan(labels []string, objs []keyObj, answer func(string, *Key, error)) {
	type found struct {
		keyObj
		a map[uint][]byte
	}
	want := make(map[string][]found, len(labels))
	for _, l := range labels {
		want[l] = nil
	}
	for _, o := range objs {
		a := t.keyAttrs(o.h, o.class)
		l := string(a[pkcs11.CKA_LABEL])
		if f, ok := want[l]; ok {
			want[l] = append(f, found{o, a})
		}
	}
	for _, l := range labels {
		switch f := want[l]; len(f) {
		case 0:
			answer(l, nil, fmt.Errorf("%w: %q on token %q", ErrKeyNotFound, l, t.info.Label))
		case 1:
			k, err := t.describeFound(l, f[0].h, f[0].class, f[0].a)
			answer(l, k, err)
		default:
			answer(l, nil, fmt.Errorf("%w: %d keys are labelled %q; give each key a unique label", ErrDuplicateLabel, len(f), l))
		}
	}
}

// keyAttrs reads what describe reads of a key object in one call, with a
// secret key's CKA_CHECK_VALUE where the token gives it.
func (t *Token) keyAttrs(h pkcs11.ObjectHandle, class uint) map[uint][]byte {
	types := describeTypes(class)
	if class == pkcs11.CKO_SECRET_KEY {
		if a, ok := t.attrsAll(h, append(types, pkcs11.CKA_CHECK_VALUE)...); ok {
			return a
		}
	}
	return t.attrs(h, types...)
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
	got, err := t.getAttributes(h, types)
	if err != nil || len(got) != len(types) {
		return nil, false
	}
	out := make(map[uint][]byte, len(got))
	for _, a := range got {
		out[a.Type] = a.Value
	}
	return out, true
}
