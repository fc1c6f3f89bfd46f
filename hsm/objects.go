package hsm

import (
	"encoding/binary"
	"fmt"

	"github.com/miekg/pkcs11"
)

// findChunk is how many handles find asks for in one C_FindObjects.
const findChunk = 64

// find returns every object matching the template: C_FindObjectsInit, then
// C_FindObjects for up to findChunk handles until an answer is short
// (fewer handles than asked for), then C_FindObjectsFinal. A short answer
// ends the search: a token gives as many handles as it has left, up to the
// number asked for (SoftHSM, opencryptoki and NSS do, pinned by
// TestFindEndsOnShortAnswer here and in hsm/crosstoken), so a search that
// finds fewer than findChunk objects (a key by its label: one object, or
// a key pair's two halves) is three calls, not four. A label on two keys
// is still seen: both come back in the one answer.
func (t *Token) find(tmpl []*pkcs11.Attribute) ([]pkcs11.ObjectHandle, error) {
	if err := t.p.FindObjectsInit(t.sh, tmpl); err != nil {
		return nil, fmt.Errorf("C_FindObjectsInit: %w", err)
	}
	var all []pkcs11.ObjectHandle
	var ferr error
	for {
		hs, _, err := t.p.FindObjects(t.sh, findChunk)
		if err != nil {
			ferr = fmt.Errorf("C_FindObjects: %w", err)
			break
		}
		all = append(all, hs...)
		if len(hs) < findChunk {
			break
		}
	}
	if err := t.p.FindObjectsFinal(t.sh); err != nil && ferr == nil {
		ferr = fmt.Errorf("C_FindObjectsFinal: %w", err)
	}
	return all, ferr
}

// attrs reads the given attributes; ones the token does not have (or will
// not reveal) are absent from the map. It never asks for CKA_VALUE of a key.
// One call where the module is reached directly (it answers for every
// attribute it can, sized.go); else, where some are missing, one call
// per attribute.
func (t *Token) attrs(o pkcs11.ObjectHandle, types ...uint) map[uint][]byte {
	out := make(map[uint][]byte, len(types))
	got, err := t.getAttributes(o, types)
	if err == nil {
		for _, a := range got {
			out[a.Type] = a.Value
		}
		return out
	}
	if partial(got, err) {
		for _, a := range got {
			if a.Value != nil {
				out[a.Type] = a.Value
			}
		}
		return out
	}
	for _, ty := range types { // one at a time: some are missing
		got, err := t.getAttributes(o, []uint{ty})
		if err == nil && len(got) == 1 {
			out[ty] = got[0].Value
		}
	}
	return out
}

// ulong decodes a CK_ULONG attribute value (native byte order, as miekg encodes it).
func ulong(b []byte) (uint, bool) {
	switch len(b) {
	case 8:
		return uint(binary.NativeEndian.Uint64(b)), true
	case 4:
		return uint(binary.NativeEndian.Uint32(b)), true
	}
	return 0, false
}

// boolAttr decodes a CK_BBOOL attribute value.
func boolAttr(b []byte) bool { return len(b) == 1 && b[0] != 0 }

// destroy destroys a session object; used in defers on every path out.
func (t *Token) destroy(o pkcs11.ObjectHandle, errp *error) {
	if err := t.p.DestroyObject(t.sh, o); err != nil && errp != nil && *errp == nil {
		*errp = fmt.Errorf("C_DestroyObject of a session object: %w", err)
	}
}

// ObjectCount counts the objects this session can see (token objects and
// session objects): tests use it to show nothing is left behind.
func (t *Token) ObjectCount() (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	hs, err := t.find(nil)
	return len(hs), err
}

// labelInUse reports whether any object on the token carries label.
func (t *Token) labelInUse(label string) (bool, error) {
	hs, err := t.find([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, label)})
	return len(hs) > 0, err
}
