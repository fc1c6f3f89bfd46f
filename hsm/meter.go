package hsm

import (
	"maps"
	"runtime"
	"sync"
	"time"

	"github.com/airwrap/airwrap/hsm/internal/p11raw"
	"github.com/miekg/pkcs11"
)

// meter is a p11 over the real module that counts every PKCS#11 function
// call by name and waits a fixed delay for each: a model of a slow or
// networked HSM (a network HSM pays a round trip per call, a USB HSM
// milliseconds per command), for the benchmarks and the call-count tests.
// It counts C calls, what the module sees: miekg/pkcs11 makes two for
// C_GetAttributeValue, C_Encrypt, C_Sign and C_WrapKey (a length query,
// then the call), one when the first fails; the caller-sized calls
// (sized.go) one each. The in-package
// tests install it through wrapModule; benchmarks through InstallMeter,
// which only a build with -tags airwrapbench has (meter_bench.go). Nothing
// else refers to it, so a normal build does not contain it (an internal/crashtest
// test checks the release binary).
type meter struct {
	p11
	mu    sync.Mutex
	delay time.Duration
	calls map[string]int
}

func newMeter(delay time.Duration) *meter {
	return &meter{delay: delay, calls: map[string]int{}}
}

// call counts one call of op and waits the delay.
func (m *meter) call(op string) {
	op = "C_" + op
	m.mu.Lock()
	m.calls[op]++
	d := m.delay
	m.mu.Unlock()
	wait(d)
}

// wait waits d. time.Sleep alone overshoots by a fraction of a millisecond
// on a loaded machine (measured in docs/PERFORMANCE.md, "The latency
// model"), too much for a model of a fast network, so it sleeps all but the
// last millisecond and spins through the rest.
func wait(d time.Duration) {
	if d <= 0 {
		return
	}
	end := time.Now().Add(d)
	if d > 1500*time.Microsecond {
		time.Sleep(d - time.Millisecond)
	}
	for time.Now().Before(end) {
		runtime.Gosched()
	}
}

// second counts the second C call miekg makes for op after its length
// query, which it makes only when the query succeeded.
func (m *meter) second(op string, err error) {
	if err == nil {
		m.call(op)
	}
}

// counts returns the calls so far, by function, and their total.
func (m *meter) counts() (map[string]int, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, c := range m.calls {
		n += c
	}
	return maps.Clone(m.calls), n
}

// reset forgets the calls so far and sets the delay.
func (m *meter) reset(delay time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.calls)
	m.delay = delay
}

func (m *meter) Initialize(opts ...pkcs11.InitializeOption) error {
	m.call("Initialize")
	return m.p11.Initialize(opts...)
}

func (m *meter) Finalize() error {
	m.call("Finalize")
	return m.p11.Finalize()
}

func (m *meter) GetInfo() (pkcs11.Info, error) {
	m.call("GetInfo")
	return m.p11.GetInfo()
}

func (m *meter) GetSlotList(present bool) ([]uint, error) {
	m.call("GetSlotList")
	return m.p11.GetSlotList(present)
}

func (m *meter) GetTokenInfo(slot uint) (pkcs11.TokenInfo, error) {
	m.call("GetTokenInfo")
	return m.p11.GetTokenInfo(slot)
}

func (m *meter) OpenSession(slot uint, flags uint) (pkcs11.SessionHandle, error) {
	m.call("OpenSession")
	return m.p11.OpenSession(slot, flags)
}

func (m *meter) CloseSession(sh pkcs11.SessionHandle) error {
	m.call("CloseSession")
	return m.p11.CloseSession(sh)
}

func (m *meter) Login(sh pkcs11.SessionHandle, userType uint, pin string) error {
	m.call("Login")
	return m.p11.Login(sh, userType, pin)
}

func (m *meter) Logout(sh pkcs11.SessionHandle) error {
	m.call("Logout")
	return m.p11.Logout(sh)
}

func (m *meter) CreateObject(sh pkcs11.SessionHandle, t []*pkcs11.Attribute) (pkcs11.ObjectHandle, error) {
	m.call("CreateObject")
	return m.p11.CreateObject(sh, t)
}

func (m *meter) DestroyObject(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle) error {
	m.call("DestroyObject")
	return m.p11.DestroyObject(sh, o)
}

func (m *meter) GetAttributeValue(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle, a []*pkcs11.Attribute) ([]*pkcs11.Attribute, error) {
	m.call("GetAttributeValue")
	out, err := m.p11.GetAttributeValue(sh, o, a)
	m.second("GetAttributeValue", err)
	return out, err
}

func (m *meter) FindObjectsInit(sh pkcs11.SessionHandle, t []*pkcs11.Attribute) error {
	m.call("FindObjectsInit")
	return m.p11.FindObjectsInit(sh, t)
}

func (m *meter) FindObjects(sh pkcs11.SessionHandle, max int) ([]pkcs11.ObjectHandle, bool, error) {
	m.call("FindObjects")
	return m.p11.FindObjects(sh, max)
}

func (m *meter) FindObjectsFinal(sh pkcs11.SessionHandle) error {
	m.call("FindObjectsFinal")
	return m.p11.FindObjectsFinal(sh)
}

func (m *meter) EncryptInit(sh pkcs11.SessionHandle, mech []*pkcs11.Mechanism, o pkcs11.ObjectHandle) error {
	m.call("EncryptInit")
	return m.p11.EncryptInit(sh, mech, o)
}

func (m *meter) Encrypt(sh pkcs11.SessionHandle, msg []byte) ([]byte, error) {
	m.call("Encrypt")
	out, err := m.p11.Encrypt(sh, msg)
	m.second("Encrypt", err)
	return out, err
}

func (m *meter) SignInit(sh pkcs11.SessionHandle, mech []*pkcs11.Mechanism, o pkcs11.ObjectHandle) error {
	m.call("SignInit")
	return m.p11.SignInit(sh, mech, o)
}

func (m *meter) Sign(sh pkcs11.SessionHandle, msg []byte) ([]byte, error) {
	m.call("Sign")
	out, err := m.p11.Sign(sh, msg)
	m.second("Sign", err)
	return out, err
}

func (m *meter) GenerateKey(sh pkcs11.SessionHandle, mech []*pkcs11.Mechanism, t []*pkcs11.Attribute) (pkcs11.ObjectHandle, error) {
	m.call("GenerateKey")
	return m.p11.GenerateKey(sh, mech, t)
}

func (m *meter) GenerateKeyPair(sh pkcs11.SessionHandle, mech []*pkcs11.Mechanism, pub, priv []*pkcs11.Attribute) (pkcs11.ObjectHandle, pkcs11.ObjectHandle, error) {
	m.call("GenerateKeyPair")
	return m.p11.GenerateKeyPair(sh, mech, pub, priv)
}

func (m *meter) WrapKey(sh pkcs11.SessionHandle, mech []*pkcs11.Mechanism, w, k pkcs11.ObjectHandle) ([]byte, error) {
	m.call("WrapKey")
	out, err := m.p11.WrapKey(sh, mech, w, k)
	m.second("WrapKey", err)
	return out, err
}

func (m *meter) GenerateRandom(sh pkcs11.SessionHandle, n int) ([]byte, error) {
	m.call("GenerateRandom")
	return m.p11.GenerateRandom(sh, n)
}

func (m *meter) WrapKeyInto(sh pkcs11.SessionHandle, mech p11raw.Mech, w, k pkcs11.ObjectHandle, size int) ([]byte, error) {
	s, ok := m.p11.(sizedP11)
	if !ok {
		return nil, errNoSized
	}
	m.call("WrapKey")
	return s.WrapKeyInto(sh, mech, w, k, size)
}

func (m *meter) EncryptInto(sh pkcs11.SessionHandle, msg []byte, size int) ([]byte, error) {
	s, ok := m.p11.(sizedP11)
	if !ok {
		return nil, errNoSized
	}
	m.call("Encrypt")
	return s.EncryptInto(sh, msg, size)
}

func (m *meter) SignInto(sh pkcs11.SessionHandle, msg []byte, size int) ([]byte, error) {
	s, ok := m.p11.(sizedP11)
	if !ok {
		return nil, errNoSized
	}
	m.call("Sign")
	return s.SignInto(sh, msg, size)
}

func (m *meter) GetAttributeValueInto(sh pkcs11.SessionHandle, o pkcs11.ObjectHandle, types []uint) ([]*pkcs11.Attribute, error) {
	s, ok := m.p11.(sizedP11)
	if !ok {
		return nil, errNoSized
	}
	m.call("GetAttributeValue")
	return s.GetAttributeValueInto(sh, o, types)
}
