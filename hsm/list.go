package hsm

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/miekg/pkcs11"
)

// ListKeys lists every secret and private key on the token, with the KMS
// key spec its type and size match and a check value. A key that cannot be
// imported is listed too, with the reason in NotImportable (no key spec,
// not extractable, no check value the token will compute); only a device
// or session failure ends the listing with an error.
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
			if isDeviceFault(err) {
				return nil, fmt.Errorf("describe a key: %w", err)
			}
			// A key whose check value the token will not compute (an HMAC
			// key without CKA_SIGN, say) is listed with the reason; FindKey
			// returns the error.
			if err != nil && k.NotImportable == "" {
				k.NotImportable = err.Error()
			}
			keys = append(keys, *k)
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
	hs, err := t.find([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, label)})
	if err != nil {
		return nil, err
	}
	h, class, a, err := t.pickKey(label, hs)
	if err != nil {
		return nil, err
	}
	return t.describeFound(label, h, class, a)
}

// keyHandle finds the one secret or private key with label (and id, if
// given). One C_FindObjects by label, then the class of each match: on a
// token holding many objects every C_FindObjects scans them all (SoftHSM
// 2.6.1: the cost is in docs/PERFORMANCE.md), so it scans once, not once
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
	h, class, _, err := t.pickKey(label, hs)
	return h, class, err
}

// pairedECPoint is where pickKey leaves, among a private EC key's
// attributes, the CKA_EC_POINT of the public object the same search found
// with the same CKA_ID (not a PKCS#11 attribute: a key only this package
// puts in the map describeFrom reads).
const pairedECPoint = pkcs11.CKA_VENDOR_DEFINED | 0x41575045

// pickKey is the one secret or private key among the objects hs a search
// for label found. It reads each object's class with what describe reads
// of a private key and a public key's CKA_ID and CKA_EC_POINT, one call
// per object: a is the private key's attributes (nil for a secret key:
// describe reads them), with pairedECPoint where the search also found
// the public half of an EC key pair (a key pair's halves usually share
// label and id), which spares describeEC its search by CKA_ID.
func (t *Token) pickKey(label string, hs []pkcs11.ObjectHandle) (pkcs11.ObjectHandle, uint, map[uint][]byte, error) {
	var found []pkcs11.ObjectHandle
	var classes []uint
	var read []map[uint][]byte
	var pubs []map[uint][]byte
	types := append([]uint{pkcs11.CKA_CLASS, pkcs11.CKA_EC_POINT}, describeTypes(pkcs11.CKO_PRIVATE_KEY)...)
	for _, h := range hs {
		a := t.attrs(h, types...)
		class, ok := ulong(a[pkcs11.CKA_CLASS])
		switch {
		case ok && (class == pkcs11.CKO_SECRET_KEY || class == pkcs11.CKO_PRIVATE_KEY):
			found = append(found, h)
			classes = append(classes, class)
			read = append(read, a)
		case ok && class == pkcs11.CKO_PUBLIC_KEY:
			pubs = append(pubs, a)
		}
	}
	switch len(found) {
	case 0:
		return 0, 0, nil, fmt.Errorf("%w: %q on token %q", ErrKeyNotFound, label, t.info.Label)
	case 1:
		if classes[0] != pkcs11.CKO_PRIVATE_KEY {
			return found[0], classes[0], nil, nil
		}
		a := read[0]
		delete(a, pkcs11.CKA_CLASS)
		delete(a, pkcs11.CKA_EC_POINT)
		kt, _ := ulong(a[pkcs11.CKA_KEY_TYPE])
		for _, p := range pubs {
			if pt, _ := ulong(p[pkcs11.CKA_KEY_TYPE]); kt == pkcs11.CKK_EC && pt == pkcs11.CKK_EC &&
				len(a[pkcs11.CKA_ID]) > 0 && bytes.Equal(p[pkcs11.CKA_ID], a[pkcs11.CKA_ID]) && p[pkcs11.CKA_EC_POINT] != nil {
				a[pairedECPoint] = p[pkcs11.CKA_EC_POINT]
				break
			}
		}
		return found[0], classes[0], a, nil
	}
	return 0, 0, nil, fmt.Errorf("%w: %d keys are labelled %q; give each key a unique label", ErrDuplicateLabel, len(found), label)
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
	} else {
		// An RSA key has no CKA_EC_PARAMS, an EC key no CKA_MODULUS: the
		// token answers for the others in the same call (attrs).
		types = append(types, pkcs11.CKA_MODULUS, pkcs11.CKA_PUBLIC_EXPONENT, pkcs11.CKA_EC_PARAMS)
		types = append(types, signerAttrTypes()...)
	}
	return types
}

// describeFrom is describeAs with describeTypes(class) already read into a.
// It always returns a Key; NotImportable says why one cannot be imported.
func (t *Token) describeFrom(h pkcs11.ObjectHandle, class uint, a map[uint][]byte, light bool) (*Key, error) {
	k, err := t.describeKey(h, class, a, light)
	switch {
	case k.NotImportable != "":
	case !k.Extractable:
		k.NotImportable = "CKA_EXTRACTABLE is false: it can never leave the HSM, not even wrapped"
	case k.KeySpec == "":
		k.NotImportable = "matches no KMS key spec"
	}
	return k, err
}

func (t *Token) describeKey(h pkcs11.ObjectHandle, class uint, a map[uint][]byte, light bool) (*Key, error) {
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
		n, ok := ulong(a[pkcs11.CKA_VALUE_LEN])
		ok = ok && n > 0 // opencryptoki 3.8.1 gives 0 for a generic secret it did not generate (measured)
		if !ok && k.Extractable && secretSpecType(kt) {
			lo, hi, err := t.secretLen(h, kt)
			if err != nil {
				return k, fmt.Errorf("key %q has no CKA_VALUE_LEN; measuring its length in the HSM: %w", k.Label, err)
			}
			if lo != hi {
				k.NotImportable = lengthUnknown(lo, hi)
				return k, nil
			}
			n, ok = uint(lo), true
		}
		k.MaterialLen = int(n)
		k.KeySpec = secretSpec(kt, int(n))
		if k.KeySpec == "" {
			if ok || !secretSpecType(kt) {
				k.NotImportable = secretNotImportable(kt, int(n))
			}
			return k, nil
		}
		if light {
			return k, t.computedCheckValue(h, k)
		}
		return k, t.secretCheckValueFrom(h, k, a)
	}
	k.Class = "private"
	if c := readSignerCheck(a); c.candidate(k.ID) {
		k.SignerCheck = c
	}
	switch kt {
	case pkcs11.CKK_RSA:
		return k, t.describeRSA(h, k, a)
	case pkcs11.CKK_EC:
		return k, t.describeEC(h, k, a, !light)
	}
	k.NotImportable = fmt.Sprintf("private key type %s: KMS imports RSA and EC private keys only", keyTypeName(kt))
	return k, nil
}

// secretSpecType reports whether secretSpec knows the key type.
func secretSpecType(keyType uint) bool {
	switch keyType {
	case pkcs11.CKK_AES, pkcs11.CKK_GENERIC_SECRET, pkcs11.CKK_SHA224_HMAC, pkcs11.CKK_SHA256_HMAC,
		pkcs11.CKK_SHA384_HMAC, pkcs11.CKK_SHA512_HMAC:
		return true
	}
	return false
}

// secretNotImportable says why a secret key of this type and length
// matches no KMS key spec.
func secretNotImportable(keyType uint, n int) string {
	switch {
	case keyType == pkcs11.CKK_AES:
		return fmt.Sprintf("AES-%d: KMS imports AES-256 only (SYMMETRIC_DEFAULT)", 8*n)
	case secretSpecType(keyType):
		return fmt.Sprintf("%d-byte %s key: KMS HMAC keys are 28, 32, 48 or 64 bytes", n, keyTypeName(keyType))
	}
	return fmt.Sprintf("secret key type %s: KMS imports AES-256 and HMAC keys only", keyTypeName(keyType))
}

// lengthUnknown says what secretLen learnt of a length it could not pin down.
func lengthUnknown(lo, hi int) string {
	if lo > hi || hi == maxSecretLen {
		return "the token gives no CKA_VALUE_LEN, and no wrap inside the HSM could measure the key's length"
	}
	return fmt.Sprintf("the token gives no CKA_VALUE_LEN, and wrapping inside the HSM tells only that the key is %d to %d bytes long", lo, hi)
}

// keyTypeName names a CKA_KEY_TYPE for operators.
func keyTypeName(kt uint) string {
	if n, ok := map[uint]string{
		pkcs11.CKK_RSA: "CKK_RSA", pkcs11.CKK_DSA: "CKK_DSA", pkcs11.CKK_DH: "CKK_DH", pkcs11.CKK_EC: "CKK_EC",
		pkcs11.CKK_GENERIC_SECRET: "CKK_GENERIC_SECRET", pkcs11.CKK_DES: "CKK_DES", pkcs11.CKK_DES2: "CKK_DES2",
		pkcs11.CKK_DES3: "CKK_DES3", pkcs11.CKK_AES: "CKK_AES", pkcs11.CKK_SHA224_HMAC: "CKK_SHA224_HMAC",
		pkcs11.CKK_SHA256_HMAC: "CKK_SHA256_HMAC", pkcs11.CKK_SHA384_HMAC: "CKK_SHA384_HMAC",
		pkcs11.CKK_SHA512_HMAC: "CKK_SHA512_HMAC",
	}[kt]; ok {
		return n
	}
	return fmt.Sprintf("0x%X", kt)
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
