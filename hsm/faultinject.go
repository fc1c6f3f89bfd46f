package hsm

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/airwrap/airwrap/hsm/internal/p11raw"
	"github.com/miekg/pkcs11"
)

// injector is a fault-injecting p11 over the real module, for tests: the
// in-package faults_*_test.go files install it through wrapModule, and a
// binary built with -tags airwrapfaults installs it from $AIRWRAP_FAULTS
// (faultinject_env.go). Nothing else refers to it, so a normal build does
// not contain it.
//
// A rule "Op:N:RV" fails the N-th call of Op (1-based, "*" for every call)
// with the PKCS#11 return value RV (hex 0x.. or a CKR_ name). After a
// CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED or CKR_DEVICE_REMOVED the
// session is dead: every later call on it fails the same way, as on a real
// device (C_CloseSession still closes the real session, so its objects go,
// as they would). "TokenFlags:0xF" ORs F into every C_GetTokenInfo answer.
// RV "pause" makes that call print "airwrap-faults: paused at Op #N" on
// stderr and block for ever: a deterministic point for a kill test.
type injector struct {
	p11
	mu         sync.Mutex
	rules      []faultRule
	calls      map[string]int
	tokenFlags uint
	dead       uint // the CKR every session call now returns; 0 while alive
}

type faultRule struct {
	op    string
	nth   int // 0: every call
	rv    uint
	pause bool
}

var ckrNames = map[string]uint{
	"CKR_DEVICE_ERROR":           pkcs11.CKR_DEVICE_ERROR,
	"CKR_DEVICE_REMOVED":         pkcs11.CKR_DEVICE_REMOVED,
	"CKR_SESSION_HANDLE_INVALID": pkcs11.CKR_SESSION_HANDLE_INVALID,
	"CKR_SESSION_CLOSED":         pkcs11.CKR_SESSION_CLOSED,
	"CKR_TOKEN_NOT_PRESENT":      pkcs11.CKR_TOKEN_NOT_PRESENT,
	"CKR_PIN_INCORRECT":          pkcs11.CKR_PIN_INCORRECT,
	"CKR_PIN_LOCKED":             pkcs11.CKR_PIN_LOCKED,
	"CKR_GENERAL_ERROR":          pkcs11.CKR_GENERAL_ERROR,
	"CKR_DEVICE_MEMORY":          pkcs11.CKR_DEVICE_MEMORY,
}

// parseFaults reads comma-separated rules (see injector).
func parseFaults(spec string) (*injector, error) {
	in := &injector{calls: map[string]int{}}
	for _, r := range strings.Split(spec, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		parts := strings.Split(r, ":")
		if parts[0] == "TokenFlags" && len(parts) == 2 {
			f, err := strconv.ParseUint(parts[1], 0, 64)
			if err != nil {
				return nil, fmt.Errorf("fault %q: %w", r, err)
			}
			in.tokenFlags |= uint(f)
			continue
		}
		if len(parts) != 3 {
			return nil, fmt.Errorf("fault %q: want Op:N:RV", r)
		}
		fr := faultRule{op: parts[0]}
		if parts[1] != "*" {
			n, err := strconv.Atoi(parts[1])
			if err != nil || n < 1 {
				return nil, fmt.Errorf("fault %q: N must be 1 or more, or *", r)
			}
			fr.nth = n
		}
		rv, ok := ckrNames[parts[2]]
		if parts[2] == "pause" {
			fr.pause, ok = true, true
		}
		if !ok {
			v, err := strconv.ParseUint(parts[2], 0, 64)
			if err != nil {
				return nil, fmt.Errorf("fault %q: unknown return value %q", r, parts[2])
			}
			rv = uint(v)
		}
		fr.rv = rv
		in.rules = append(in.rules, fr)
	}
	return in, nil
}

// Calls returns how many times op was called.
func (in *injector) Calls(op string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.calls[op]
}

// fault counts a call of op and returns the error it must give, or nil.
// session says whether op works on a session (and so dies with it).
func (in *injector) fault(op string, session bool) error {
	in.mu.Lock()
	in.calls[op]++
	for _, r := range in.rules {
		if r.pause && r.op == op && (r.nth == 0 || r.nth == in.calls[op]) {
			n := in.calls[op]
			in.mu.Unlock()
			fmt.Fprintf(os.Stderr, "airwrap-faults: paused at %s #%d\n", op, n)
			select {} // until killed
		}
	}
	defer in.mu.Unlock()
	if session && in.dead != 0 {
		return pkcs11.Error(in.dead)
	}
	for _, r := range in.rules {
		if !r.pause && r.op == op && (r.nth == 0 || r.nth == in.calls[op]) {
			switch r.rv {
			case pkcs11.CKR_SESSION_HANDLE_INVALID, pkcs11.CKR_SESSION_CLOSED, pkcs11.CKR_DEVICE_REMOVED:
				in.dead = r.rv
			}
			return pkcs11.Error(r.rv)
		}
	}
	return nil
}

func (in *injector) GetSlotList(present bool) ([]uint, error) {
	if err := in.fault("GetSlotList", false); err != nil {
		return nil, err
	}
	return in.p11.GetSlotList(present)
}

func (in *injector) GetTokenInfo(slot uint) (pkcs11.TokenInfo, error) {
	if err := in.fault("GetTokenInfo", false); err != nil {
		return pkcs11.TokenInfo{}, err
	}
	ti, err := in.p11.GetTokenInfo(slot)
	ti.Flags |= in.tokenFlags
	return ti, err
}

func (in *injector) OpenSession(slot uint, flags uint) (pkcs11.SessionHandle, error) {
	if err := in.fault("OpenSession", false); err != nil {
		return 0, err
	}
	return in.p11.OpenSession(slot, flags)
}

func (in *injector) CloseSession(sh pkcs11.SessionHandle) error {
	err := in.fault("CloseSession", true)
	if rerr := in.p11.CloseSession(sh); err == nil {
		err = rerr
	}
	return err
}

func (in *injector) Login(sh pkcs11.SessionHandle, userType uint, pin string) error {
	if err := in.fault("Login", true); err != nil {
		return err
	}
	return in.p11.Login(sh, userType, pin)
}

func (in *injector) Logout(sh pkcs11.SessionHandle) error {
	if err := in.fault("Logout", true); err != nil {
		return err
	}
	return in.p11.Logout(sh)
}

func (in *injector) CreateObject(sh pkcs11.SessionHandle, t []*pkcs11.Attribute) (pkcs11.ObjectHandle, error) {
	if err := in.fault("CreateObject", true); err != nil {
		return 0, err
	}
	return in.p11.CreateObject(sh, t)
}

func (in *injector) DestroyObject(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle) error {
	if err := in.fault("DestroyObject", true); err != nil {
		return err
	}
	return in.p11.DestroyObject(sh, o)
}

func (in *injector) GetAttributeValue(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle, a []*pkcs11.Attribute) ([]*pkcs11.Attribute, error) {
	if err := in.fault("GetAttributeValue", true); err != nil {
		return nil, err
	}
	return in.p11.GetAttributeValue(sh, o, a)
}

func (in *injector) FindObjectsInit(sh pkcs11.SessionHandle, t []*pkcs11.Attribute) error {
	if err := in.fault("FindObjectsInit", true); err != nil {
		return err
	}
	return in.p11.FindObjectsInit(sh, t)
}

func (in *injector) FindObjects(sh pkcs11.SessionHandle, max int) ([]pkcs11.ObjectHandle, bool, error) {
	if err := in.fault("FindObjects", true); err != nil {
		return nil, false, err
	}
	return in.p11.FindObjects(sh, max)
}

func (in *injector) FindObjectsFinal(sh pkcs11.SessionHandle) error {
	if err := in.fault("FindObjectsFinal", true); err != nil {
		return err
	}
	return in.p11.FindObjectsFinal(sh)
}

func (in *injector) EncryptInit(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, o pkcs11.ObjectHandle) error {
	if err := in.fault("EncryptInit", true); err != nil {
		return err
	}
	return in.p11.EncryptInit(sh, m, o)
}

func (in *injector) Encrypt(sh pkcs11.SessionHandle, msg []byte) ([]byte, error) {
	if err := in.fault("Encrypt", true); err != nil {
		return nil, err
	}
	return in.p11.Encrypt(sh, msg)
}

func (in *injector) SignInit(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, o pkcs11.ObjectHandle) error {
	if err := in.fault("SignInit", true); err != nil {
		return err
	}
	return in.p11.SignInit(sh, m, o)
}

func (in *injector) Sign(sh pkcs11.SessionHandle, msg []byte) ([]byte, error) {
	if err := in.fault("Sign", true); err != nil {
		return nil, err
	}
	return in.p11.Sign(sh, msg)
}

func (in *injector) GenerateKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, t []*pkcs11.Attribute) (pkcs11.ObjectHandle, error) {
	if err := in.fault("GenerateKey", true); err != nil {
		return 0, err
	}
	return in.p11.GenerateKey(sh, m, t)
}

func (in *injector) GenerateKeyPair(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, pub, priv []*pkcs11.Attribute) (pkcs11.ObjectHandle, pkcs11.ObjectHandle, error) {
	if err := in.fault("GenerateKeyPair", true); err != nil {
		return 0, 0, err
	}
	return in.p11.GenerateKeyPair(sh, m, pub, priv)
}

func (in *injector) WrapKey(sh pkcs11.SessionHandle, m []*pkcs11.Mechanism, w, k pkcs11.ObjectHandle) ([]byte, error) {
	if err := in.fault("WrapKey", true); err != nil {
		return nil, err
	}
	return in.p11.WrapKey(sh, m, w, k)
}

func (in *injector) GenerateRandom(sh pkcs11.SessionHandle, n int) ([]byte, error) {
	if err := in.fault("GenerateRandom", true); err != nil {
		return nil, err
	}
	return in.p11.GenerateRandom(sh, n)
}

// The caller-sized calls (sized.go) fail as the calls they stand for.

func (in *injector) WrapKeyInto(sh pkcs11.SessionHandle, m p11raw.Mech, w, k pkcs11.ObjectHandle, size int) ([]byte, error) {
	s, ok := in.p11.(sizedP11)
	if !ok {
		return nil, errNoSized
	}
	if err := in.fault("WrapKey", true); err != nil {
		return nil, err
	}
	return s.WrapKeyInto(sh, m, w, k, size)
}

func (in *injector) EncryptInto(sh pkcs11.SessionHandle, msg []byte, size int) ([]byte, error) {
	s, ok := in.p11.(sizedP11)
	if !ok {
		return nil, errNoSized
	}
	if err := in.fault("Encrypt", true); err != nil {
		return nil, err
	}
	return s.EncryptInto(sh, msg, size)
}

func (in *injector) SignInto(sh pkcs11.SessionHandle, msg []byte, size int) ([]byte, error) {
	s, ok := in.p11.(sizedP11)
	if !ok {
		return nil, errNoSized
	}
	if err := in.fault("Sign", true); err != nil {
		return nil, err
	}
	return s.SignInto(sh, msg, size)
}

func (in *injector) GetAttributeValueInto(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle, types []uint) ([]*pkcs11.Attribute, error) {
	s, ok := in.p11.(sizedP11)
	if !ok {
		return nil, errNoSized
	}
	if err := in.fault("GetAttributeValue", true); err != nil {
		return nil, err
	}
	return s.GetAttributeValueInto(sh, o, types)
}
