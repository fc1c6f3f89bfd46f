package hsm

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/miekg/pkcs11"
)

// SelfTest runs known-answer tests on throwaway session objects, one per
// wrap mechanism, once per Token: the Token keeps the verdict, Wrap and
// CanWrap go by it, and later calls return it again (a copy). The test's RSA
// private key is a software key held here, so the token's output can be
// unwrapped and compared. Every session object is destroyed on every path
// out. An error means the test itself could not run (nothing is kept, a
// later call tries again); a mechanism the token gets wrong is OK=false
// with a reason.
func (t *Token) SelfTest() (*Capabilities, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	caps, err := t.capabilities()
	if err != nil {
		return nil, err
	}
	return caps.clone(), nil
}

// capabilities is the kept self-test verdict, running the tests the first
// time. The caller holds t.mu.
func (t *Token) capabilities() (*Capabilities, error) {
	if t.caps != nil {
		return t.caps, nil
	}
	caps, err := t.selfTest()
	if err != nil {
		return nil, err
	}
	t.caps = caps
	return caps, nil
}

// clone is a copy the caller may change without changing the Token's verdict.
func (c *Capabilities) clone() *Capabilities {
	d := *c
	d.Algorithms = slices.Clone(c.Algorithms)
	d.ECPKCS8Len = maps.Clone(c.ECPKCS8Len)
	return &d
}

// selfTest runs the known-answer tests. The caller holds t.mu.
func (t *Token) selfTest() (caps *Capabilities, err error) {
	k := &kat{t: t}
	if k.priv, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return nil, fmt.Errorf("self-test RSA key: %w", err)
	}
	if k.pub, err = t.wrappingPublic(&k.priv.PublicKey); err != nil {
		return nil, err
	}
	defer t.destroy(k.pub, &err)
	for _, n := range []int{32, 28} { // 8-aligned and not
		var v []byte
		var h pkcs11.ObjectHandle
		if v, err = t.random(n); err != nil {
			return nil, err
		}
		if h, err = t.knownSecret(pkcs11.CKK_GENERIC_SECRET, v, false); err != nil {
			return nil, err
		}
		defer t.destroy(h, &err)
		k.secrets = append(k.secrets, knownKey{h, v})
	}
	caps = &Capabilities{}
	oaep := map[crypto.Hash]AlgorithmResult{}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		oaep[h] = k.oaep(h)
	}
	caps.OAEPPrivateKeys = k.oaepPrivate(oaep)
	for h, r := range oaep {
		if r.OK && !caps.OAEPPrivateKeys {
			r.Reason = "secret keys only: this token will not wrap private keys with RSA-OAEP; use RSA_AES_KEY_WRAP_* for EC keys"
			oaep[h] = r
		}
	}
	if err = k.chooseKWP(caps); err != nil {
		return nil, err
	}
	single := map[crypto.Hash]AlgorithmResult{}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		single[h] = k.rsaAESSingle(h)
	}
	caps.RSAAESKeyWrapSingle = single[crypto.SHA1].OK || single[crypto.SHA256].OK
	for _, alg := range WrapMechanisms() {
		h := alg.Hash
		var r AlgorithmResult
		switch {
		case alg.IsOAEP():
			r = oaep[h]
		case single[h].OK:
			r = single[h]
		default:
			r = k.rsaAESTwoStep(h, oaep[h], caps)
		}
		r.Algorithm = alg
		caps.Algorithms = append(caps.Algorithms, r)
	}
	if k.fault != nil {
		return nil, fmt.Errorf("self-test: the token failed while testing, so its verdicts mean nothing: %w", k.fault)
	}
	return caps, nil
}

// Result returns the self-test verdict for a wrap mechanism.
func (c *Capabilities) Result(algorithm WrapMechanism) (AlgorithmResult, bool) {
	if c == nil {
		return AlgorithmResult{}, false
	}
	for _, r := range c.Algorithms {
		if r.Algorithm == algorithm {
			return r, true
		}
	}
	return AlgorithmResult{}, false
}

type knownKey struct {
	h pkcs11.ObjectHandle
	v []byte
}

// kat holds one SelfTest run's software RSA key, its session public object
// and the known session secrets (32 and 28 bytes).
type kat struct {
	t       *Token
	priv    *rsa.PrivateKey
	pub     pkcs11.ObjectHandle
	secrets []knownKey
	fault   error // the first device or session failure (see check)
}

// wrap is C_WrapKey for a known-answer test, with faults noted by check.
func (k *kat) wrap(m *pkcs11.Mechanism, wrapping, key pkcs11.ObjectHandle) ([]byte, error) {
	return k.check(k.t.wrapKey(m, wrapping, key))
}

// check notes the first device or session failure among a test's errors: such
// an error says nothing about what the token can do, so SelfTest returns it as
// an error instead of turning it into a verdict that sends the operator to
// another algorithm or HSM.
func (k *kat) check(out []byte, err error) ([]byte, error) {
	if err != nil && k.fault == nil && isDeviceFault(err) {
		k.fault = err
	}
	return out, err
}

// oaep: C_WrapKey of the known 32-byte secret with RSA-OAEP(h), unwrapped here.
func (k *kat) oaep(h crypto.Hash) AlgorithmResult {
	r := AlgorithmResult{Mechanism: oaepName(h)}
	blob, err := k.wrap(oaepMech(h), k.pub, k.secrets[0].h)
	if err != nil {
		r.Reason = fmt.Sprintf("the token refuses %s in C_WrapKey (%v)%s", r.Mechanism, err, insteadOf(h))
		return r
	}
	got, err := rsa.DecryptOAEP(h.New(), nil, k.priv, blob, nil)
	if err != nil || !bytes.Equal(got, k.secrets[0].v) {
		r.Reason = fmt.Sprintf("the token's %s output does not unwrap to the known secret%s", r.Mechanism, insteadOf(h))
		return r
	}
	r.OK = true
	return r
}

// insteadOf suggests what to use when a hash's algorithms fail.
func insteadOf(h crypto.Hash) string {
	if h == crypto.SHA256 {
		return "; use the _SHA_1 algorithm instead (ask KMS for parameters with it), or an HSM that does SHA-256 OAEP"
	}
	return ""
}

// chooseKWP picks the AES key-wrap-with-padding mechanism: the forced one, or
// the first candidate that wraps both known secrets correctly, else the first
// that wraps the 8-aligned one correctly (KWPPadsCorrectly false).
func (k *kat) chooseKWP(caps *Capabilities) (err error) {
	cands := kwpCandidates
	if k.t.kwpForce != 0 {
		cands = []uint{k.t.kwpForce}
	}
	v, err := k.t.random(32)
	if err != nil {
		return err
	}
	kek, err := k.t.knownSecret(pkcs11.CKK_AES, v, true)
	if err != nil {
		return err
	}
	defer k.t.destroy(kek, &err)
	var fallback uint
	for _, m := range cands {
		aligned, unaligned := k.kwpOK(m, kek, v, k.secrets[0]), k.kwpOK(m, kek, v, k.secrets[1])
		if aligned && unaligned {
			caps.KWPMechanism, caps.KWPPadsCorrectly = m, true
			break
		}
		if aligned && fallback == 0 {
			fallback = m
		}
	}
	if caps.KWPMechanism == 0 {
		caps.KWPMechanism = fallback
	}
	caps.KWPMechanismName = MechanismName(caps.KWPMechanism)
	if caps.KWPMechanism != 0 && !caps.KWPPadsCorrectly {
		caps.AlignmentProbe = k.alignmentProbeKAT(caps.KWPMechanism, kek, v)
		if !caps.AlignmentProbe {
			caps.ECPKCS8Len = k.ecLengthKAT(caps.KWPMechanism, kek, v)
		}
	}
	return nil
}

// kwpOK wraps a known secret under a known KEK with mechanism m and checks
// the result with the RFC 5649 unwrap in kwp.go.
func (k *kat) kwpOK(m uint, kek pkcs11.ObjectHandle, kekValue []byte, s knownKey) bool {
	blob, err := k.wrap(pkcs11.NewMechanism(m, nil), kek, s.h)
	if err != nil {
		return false
	}
	got, err := kwpUnwrap(kekValue, blob)
	return err == nil && bytes.Equal(got, s.v)
}

// rsaAESSingle tests CKM_RSA_AES_KEY_WRAP with OAEP(h) on both known secrets.
func (k *kat) rsaAESSingle(h crypto.Hash) AlgorithmResult {
	_, _, hn := ckmHash(h)
	r := AlgorithmResult{Mechanism: fmt.Sprintf("CKM_RSA_AES_KEY_WRAP(%s)", hn)}
	for _, s := range k.secrets {
		blob, err := k.wrap(rsaAESMech(h), k.pub, s.h)
		if err != nil {
			r.Reason = fmt.Sprintf("%s refused: %v", r.Mechanism, err)
			return r
		}
		if !k.rsaAESUnwrapsTo(h, blob, s.v) {
			r.Reason = fmt.Sprintf("%s output does not unwrap to the known secret", r.Mechanism)
			return r
		}
	}
	r.OK = true
	return r
}

// rsaAESTwoStep tests the two-step RSA-AES wrap exactly as Wrap does it: an
// ephemeral AES key generated in the HSM wraps the target with the chosen
// KWP mechanism, then RSA-OAEP(h) wraps the AES key.
func (k *kat) rsaAESTwoStep(h crypto.Hash, oaep AlgorithmResult, caps *Capabilities) AlgorithmResult {
	r := AlgorithmResult{Mechanism: oaep.Mechanism + " + " + caps.KWPMechanismName}
	switch {
	case !oaep.OK:
		r.Reason = "the RSA-OAEP step fails: " + oaep.Reason
		return r
	case caps.KWPMechanism == 0:
		r.Reason = "the token has no working AES key wrap with padding (tried " + candidateNames(k.t.kwpForce) +
			"); name the vendor's mechanism with --kwp-mechanism, or use RSAES_OAEP_* where the key spec allows it"
		return r
	}
	for _, s := range k.secrets {
		if s.v != nil && len(s.v)%8 != 0 && !caps.KWPPadsCorrectly {
			continue // known to mis-pad: Wrap refuses such material
		}
		blob, err := k.check(rsaAESTwoStep(k.t, h, caps.KWPMechanism, k.pub, s.h))
		if err != nil {
			r.Reason = fmt.Sprintf("the two-step wrap failed: %v", err)
			return r
		}
		if !k.rsaAESUnwrapsTo(h, blob, s.v) {
			r.Reason = "the two-step wrap does not unwrap to the known secret"
			return r
		}
	}
	r.OK = true
	if !caps.KWPPadsCorrectly {
		r.Reason = fmt.Sprintf("only for material whose length is a multiple of 8 bytes: this token's %s "+
			"mis-pads other lengths (SoftHSM 2.6.1's RFC 5649 bug, fixed in 2.7.0); airwrap refuses those%s",
			caps.KWPMechanismName, alignedScope(caps))
	}
	return r
}

func candidateNames(forced uint) string {
	c := kwpCandidates
	if forced != 0 {
		c = []uint{forced}
	}
	var s []string
	for _, m := range c {
		s = append(s, MechanismName(m))
	}
	return strings.Join(s, ", ")
}

// rsaAESUnwrapsTo splits an RSA-AES blob and unwraps both parts here.
func (k *kat) rsaAESUnwrapsTo(h crypto.Hash, blob, want []byte) bool {
	n := k.priv.Size()
	if len(blob) <= n {
		return false
	}
	aesKey, err := rsa.DecryptOAEP(h.New(), nil, k.priv, blob[:n], nil)
	if err != nil || len(aesKey) != 32 {
		return false
	}
	got, err := kwpUnwrap(aesKey, blob[n:])
	return err == nil && bytes.Equal(got, want)
}

// errNoWrap is returned by a failed C_WrapKey step.
var errNoWrap = errors.New("C_WrapKey failed")

// alignedScope says which private keys a mis-padding token can still wrap.
func alignedScope(caps *Capabilities) string {
	if caps.AlignmentProbe {
		return "; private keys are checked one by one with " + MechanismName(CKMAESKeyWrap)
	}
	var ok []string
	for _, c := range curves {
		if n := caps.ECPKCS8Len[c.name]; n > 0 && n%8 == 0 {
			ok = append(ok, fmt.Sprintf("%s (PKCS#8 of %d bytes)", ecSpec(c.name), n))
		}
	}
	s := "; RSA private keys cannot be checked without exposing them and are refused"
	if len(ok) == 0 {
		return s + ", and so are EC keys"
	}
	return s + "; EC keys only for " + strings.Join(ok, ", ")
}
