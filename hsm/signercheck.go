package hsm

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/miekg/pkcs11"
)

// What a ceremony signing key must be, attribute by attribute. Only the
// token can say where a key came from: CKA_LOCAL true means the token
// generated it; CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE true mean it
// has never been readable or extractable since. A key made elsewhere (with
// OpenSSL, say) and written to the token with C_CreateObject or C_UnwrapKey
// (`pkcs11-tool --write-object --type privkey --sensitive`) has CKA_LOCAL
// false: a copy may exist outside the HSM, and whoever kept it could sign
// bundles without the HSM, the PIN or a witness. Such a key is refused.

// ErrSignerOrigin means a key's attributes do not show that it was
// generated in the HSM and never left it.
var ErrSignerOrigin = errors.New("the key may have existed outside the HSM")

// signerRule is one attribute a ceremony signing key must have.
type signerRule struct {
	typ    uint
	name   string
	want   bool
	origin bool   // says where the key has been (else: what it may do)
	must   bool   // a token that does not report it fails the check (else: checked where reported)
	why    string // what the wrong value means
}

// signerRules, in the order they are shown. The provenance attributes are
// mandatory for private keys in PKCS#11 (v2.40 §4.9 and §10.9): a token
// that does not report one cannot show that the key never left it. The
// usage attributes are checked where the token reports them.
var signerRules = []signerRule{
	{pkcs11.CKA_SIGN, "CKA_SIGN", true, false, true, "cannot sign"},
	{pkcs11.CKA_SENSITIVE, "CKA_SENSITIVE", true, true, true, "readable in the clear"},
	{pkcs11.CKA_ALWAYS_SENSITIVE, "CKA_ALWAYS_SENSITIVE", true, true, true, "was readable in the clear"},
	{pkcs11.CKA_NEVER_EXTRACTABLE, "CKA_NEVER_EXTRACTABLE", true, true, true, "was extractable"},
	{pkcs11.CKA_LOCAL, "CKA_LOCAL", true, true, true, "not generated on this token"},
	{pkcs11.CKA_EXTRACTABLE, "CKA_EXTRACTABLE", false, true, true, "can leave the HSM"},
	{pkcs11.CKA_DECRYPT, "CKA_DECRYPT", false, false, false, "also decrypts"},
	{pkcs11.CKA_UNWRAP, "CKA_UNWRAP", false, false, false, "also unwraps keys"},
	{pkcs11.CKA_DERIVE, "CKA_DERIVE", false, false, false, "also derives keys"},
}

// signerAttrTypes are the attributes signerRules read.
func signerAttrTypes() []uint {
	out := make([]uint, len(signerRules))
	for i, r := range signerRules {
		out[i] = r.typ
	}
	return out
}

// SignerAttr is one attribute that decides whether a private key may be a
// ceremony signing key, as the token reports it.
type SignerAttr struct {
	Name     string // CKA_LOCAL, ...
	Reported bool   // false: the token did not report it
	Value    bool
	OK       bool   // as a ceremony signing key needs it
	Problem  string // when not OK: "CKA_LOCAL false (not generated on this token)"
}

// SignerCheck is what the token says about a private key's fitness as a
// ceremony signing key: one SignerAttr per rule, in a fixed order.
type SignerCheck []SignerAttr

// readSignerCheck applies signerRules to attributes read with
// signerAttrTypes (absent from a: not reported).
func readSignerCheck(a map[uint][]byte) SignerCheck {
	out := make(SignerCheck, len(signerRules))
	for i, r := range signerRules {
		v, reported := a[r.typ]
		s := SignerAttr{Name: r.name, Reported: reported && len(v) == 1, Value: boolAttr(v)}
		switch {
		case !s.Reported && r.must:
			s.Problem = r.name + " not reported (the token cannot show the key's history)"
		case !s.Reported:
			s.OK = true
		case s.Value != r.want:
			s.Problem = fmt.Sprintf("%s %t (%s)", r.name, s.Value, r.why)
		default:
			s.OK = true
		}
		out[i] = s
	}
	return out
}

// Err is nil when every attribute is as a ceremony signing key needs it;
// else ErrNotSigner naming each attribute that is not, with ErrSignerOrigin
// when one of them says the key may have existed outside the HSM.
func (c SignerCheck) Err(label string) error {
	var problems []string
	origin := false
	for i, s := range c {
		if s.OK {
			continue
		}
		problems = append(problems, s.Problem)
		origin = origin || (i < len(signerRules) && signerRules[i].origin)
	}
	if len(problems) == 0 {
		return nil
	}
	if origin {
		return fmt.Errorf("%w: key %q: %s: %w; a ceremony signing key must be generated in this HSM and never leave it",
			ErrNotSigner, label, strings.Join(problems, ", "), ErrSignerOrigin)
	}
	return fmt.Errorf("%w: key %q: %s: a ceremony signing key must sign and do nothing else", ErrNotSigner, label, strings.Join(problems, ", "))
}

// candidate reports whether the key looks meant as a signing key: made by
// GenerateSigner (id), or a key that can sign and cannot be extracted.
func (c SignerCheck) candidate(id []byte) bool {
	if bytes.HasPrefix(id, SignerIDPrefix) {
		return true
	}
	var sign, extractable bool
	for i, s := range c {
		switch signerRules[i].typ {
		case pkcs11.CKA_SIGN:
			sign = s.Reported && s.Value
		case pkcs11.CKA_EXTRACTABLE:
			extractable = !s.Reported || s.Value
		}
	}
	return sign && !extractable
}

// SigningKey is a private key on the token that looks meant to sign
// ceremonies, with what its attributes say of it.
type SigningKey struct {
	Label string
	ID    []byte
	Check SignerCheck
	Err   error // nil: its attributes let FindSigner accept it
}

// SigningKeys lists every private key that can sign and is either made by
// GenerateSigner or not extractable (importable keys are left out), with
// its SignerCheck, sorted by label. Whether its type fits is FindSigner's
// to say.
func (t *Token) SigningKeys() ([]SigningKey, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	hs, err := t.find([]*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
	})
	if err != nil {
		return nil, err
	}
	var out []SigningKey
	for _, h := range hs {
		a := t.attrs(h, append([]uint{pkcs11.CKA_LABEL, pkcs11.CKA_ID}, signerAttrTypes()...)...)
		c := readSignerCheck(a)
		if !c.candidate(a[pkcs11.CKA_ID]) {
			continue
		}
		label := string(a[pkcs11.CKA_LABEL])
		out = append(out, SigningKey{Label: label, ID: a[pkcs11.CKA_ID], Check: c, Err: c.Err(label)})
	}
	slices.SortFunc(out, func(a, b SigningKey) int {
		if c := strings.Compare(a.Label, b.Label); c != 0 {
			return c
		}
		return bytes.Compare(a.ID, b.ID)
	})
	return out, nil
}
