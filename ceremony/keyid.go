package ceremony

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/errmark"
)

// keyIDFinder is a Token that finds a key by CKA_ID (*hsm.Token does).
type keyIDFinder interface {
	FindKeyID(label string, id []byte) (*hsm.Key, error)
}

// findEntryKey finds the entry's HSM key: by label through find, or by
// CKA_ID (and the label, if given). A key found by CKA_ID alone names its
// label from then on, in messages and in the bundle.
func (r *run) findEntryKey(e *entry, find func(string) (*hsm.Key, error)) (*hsm.Key, error) {
	if e.id == nil {
		return find(e.label)
	}
	f, ok := r.tok.(keyIDFinder)
	if !ok {
		return nil, fmt.Errorf("%w: this token cannot find keys by CKA_ID", ErrKeySelection)
	}
	k, err := f.FindKeyID(e.label, e.id)
	if err != nil {
		return nil, err
	}
	e.label = k.Label
	return k, nil
}

// selection names how the entry's key is selected, for messages.
func (e *entry) selection() string {
	if e.id == nil {
		return fmt.Sprintf("--key %q", e.label)
	}
	return "--key-id " + hex.EncodeToString(e.id)
}

// ParseKeyID reads a CKA_ID written in hex (an even number of digits, at
// least two; colons between bytes, as pkcs11-tool prints them, allowed).
func ParseKeyID(s string) ([]byte, error) {
	id, err := hex.DecodeString(strings.ReplaceAll(s, ":", ""))
	if err != nil || len(id) == 0 {
		return nil, errmark.With(fmt.Errorf("CKA_ID %q is not hex bytes like 0a1b2c", s), ErrKeySelection)
	}
	return id, nil
}

// ParseKeyIDSelect reads one --key-id value: "HEXID" or "ARN=HEXID".
func ParseKeyIDSelect(s string) (KeySelect, error) {
	var k KeySelect
	if strings.HasPrefix(s, "arn:") {
		if arn, id, ok := strings.Cut(s, "="); ok {
			k.ARN, s = arn, id
		}
	}
	id, err := ParseKeyID(s)
	if err != nil {
		return KeySelect{}, err
	}
	k.ID = id
	return k, nil
}
