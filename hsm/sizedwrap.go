package hsm

import (
	"fmt"

	"github.com/airwrap/airwrap/hsm/internal/p11raw"
	"github.com/miekg/pkcs11"
)

// Some tokens answer C_WrapKey's length query wrongly. Measured on NSS
// softokn 3.87: for CKM_AES_KEY_WRAP_KWP the query (pWrappedKey = NULL)
// returns the input length, so the second call of the usual two-call
// pattern (miekg/pkcs11's WrapKey) fails with CKR_BUFFER_TOO_SMALL. RFC 5649
// output is at most input + 15 bytes, so wrapSized asks once more and wraps
// into a buffer of the reported length + 16, through p11raw (miekg cannot
// pass a caller-sized buffer).

// rawLib is the module reached directly (opened when the module is loaded).
type rawLib = p11raw.Lib

// kwpSlack is how much longer than its input RFC 5649 output can be (+15),
// rounded up.
const kwpSlack = 16

// wrapSized is C_WrapKey into a buffer of (length query + kwpSlack) bytes,
// for parameterless mechanisms only. The caller holds t.mu.
func (t *Token) wrapSized(m *pkcs11.Mechanism, wrapping, target pkcs11.ObjectHandle) ([]byte, error) {
	if !parameterless(m) {
		return nil, fmt.Errorf("caller-sized C_WrapKey takes no mechanism parameters: %w", pkcs11.Error(pkcs11.CKR_BUFFER_TOO_SMALL))
	}
	raw, err := t.mod.rawLib()
	if err != nil {
		return nil, err
	}
	n, rv := raw.WrapLen(uint(t.sh), m.Mechanism, uint(wrapping), uint(target))
	if rv != pkcs11.CKR_OK {
		return nil, pkcs11.Error(rv)
	}
	out, need, rv := raw.WrapKey(uint(t.sh), m.Mechanism, uint(wrapping), uint(target), n+kwpSlack)
	if rv == pkcs11.CKR_BUFFER_TOO_SMALL && need > n+kwpSlack {
		out, _, rv = raw.WrapKey(uint(t.sh), m.Mechanism, uint(wrapping), uint(target), need)
	}
	if rv != pkcs11.CKR_OK {
		return nil, pkcs11.Error(rv)
	}
	return out, nil
}

// rawLib opens the direct handle on the module once.
func (m *module) rawLib() (*rawLib, error) {
	modulesMu.Lock()
	defer modulesMu.Unlock()
	if m.raw == nil {
		r, err := p11raw.Open(m.path)
		if err != nil {
			return nil, fmt.Errorf("caller-sized C_WrapKey: %w", err)
		}
		m.raw = r
	}
	return m.raw, nil
}

// parameterless tells the AES key wraps (sent with no parameter) from the
// two parameterised mechanisms airwrap wraps with; miekg keeps OAEP
// parameters out of Mechanism.Parameter until the call, so the id decides.
func parameterless(m *pkcs11.Mechanism) bool {
	return len(m.Parameter) == 0 && m.Mechanism != pkcs11.CKM_RSA_PKCS_OAEP && m.Mechanism != pkcs11.CKM_RSA_AES_KEY_WRAP
}
