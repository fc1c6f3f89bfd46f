package hsm

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/miekg/pkcs11"
)

// FindKeyID is FindKey by CKA_ID: the one secret or private key with this
// id and, when label is not empty, this label too (ErrKeyNotFound; two keys
// sharing the id: ErrDuplicateLabel).
func (t *Token) FindKeyID(label string, id []byte) (*Key, error) {
	if len(id) == 0 {
		return nil, fmt.Errorf("%w: an empty CKA_ID selects no key", ErrKeyNotFound)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	what := "CKA_ID " + hex.EncodeToString(id)
	tmpl := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_ID, id)}
	if label != "" {
		what = fmt.Sprintf("%q with %s", label, what)
		tmpl = append(tmpl, pkcs11.NewAttribute(pkcs11.CKA_LABEL, label))
	}
	hs, err := t.find(tmpl)
	if err != nil {
		return nil, err
	}
	h, class, a, err := t.pickKey(what, hs)
	if errors.Is(err, ErrKeyNotFound) {
		return nil, keyNotFound{fmt.Errorf("no secret or private key has %s on token %q", what, t.info.Label)}
	}
	if errors.Is(err, ErrDuplicateLabel) {
		return nil, fmt.Errorf("%w: more than one key has %s; select it by label too", ErrDuplicateLabel, what)
	}
	if err != nil {
		return nil, err
	}
	return t.describeFound(what, h, class, a)
}

// keyNotFound is ErrKeyNotFound (errors.Is) with words of its own: the
// CKA_ID asked for rather than the sentinel's text.
type keyNotFound struct{ error }

func (e keyNotFound) Unwrap() []error { return []error{e.error, ErrKeyNotFound} }
