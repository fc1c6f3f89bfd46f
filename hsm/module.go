package hsm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"unsafe"

	"github.com/airwrap/airwrap/hsm/internal/p11raw"
	"github.com/miekg/pkcs11"
)

// Module errors (errors.Is).
var (
	// ErrModule means the module path is not a loadable PKCS#11 library.
	ErrModule = errors.New("not a PKCS#11 library")
	// ErrTokenAmbiguous means more than one token carries the label.
	ErrTokenAmbiguous = errors.New("more than one token with that label")
	// ErrInitParams means the module is already loaded in this process with
	// other C_Initialize parameters (a module is initialised once).
	ErrInitParams = errors.New("module already initialised with other parameters")
)

// module is one loaded PKCS#11 library, shared by every Token opened on the
// same path in this process: C_Initialize once, C_Finalize when the last
// Token closes (so two tokens on one module do not finalize each other).
type module struct {
	path   string
	params string // Config.InitParams it was initialised with
	p      p11
	refs   int
	raw    *rawLib // the module reached directly, for caller-sized calls (sized.go, sizedwrap.go)
}

// wrapModule, when set (by tests), wraps each newly loaded module: the
// place for a fault-injecting p11.
var wrapModule func(p11) p11

var (
	modulesMu sync.Mutex
	modules   = map[string]*module{}
)

// loadModule loads and initialises path, or returns the already loaded one
// (which must have been initialised with the same params).
func loadModule(path, params string) (*module, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // one library reached by two paths is still one module
	}
	modulesMu.Lock()
	defer modulesMu.Unlock()
	if m, ok := modules[path]; ok {
		if m.params != params {
			return nil, fmt.Errorf("%w: %s: close the other tokens on it first", ErrInitParams, path)
		}
		m.refs++
		return m, nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrModule, path, err)
	}
	ctx := pkcs11.New(path)
	if ctx == nil {
		return nil, fmt.Errorf("%w: %s could not be loaded or has no C_GetFunctionList", ErrModule, path)
	}
	if err := initialize(ctx, params); err != nil {
		ctx.Destroy()
		return nil, fmt.Errorf("C_Initialize of %s: %w%s", path, err, initHint(err, params))
	}
	m := &module{path: path, params: params, p: ctx, refs: 1}
	if raw, err := p11raw.Open(path); err == nil {
		m.raw, m.p = raw, &sizedCtx{Ctx: ctx, raw: raw} // caller-sized calls (sized.go)
	}
	if wrapModule != nil {
		m.p = wrapModule(m.p)
	}
	modules[path] = m
	return m, nil
}

// release drops one reference; the last one finalises and unloads.
func (m *module) release() error {
	modulesMu.Lock()
	defer modulesMu.Unlock()
	m.refs--
	if m.refs > 0 {
		return nil
	}
	delete(modules, m.path)
	err := m.p.Finalize()
	m.raw.Close()
	m.p.Destroy()
	if err != nil {
		return fmt.Errorf("C_Finalize: %w", err)
	}
	return nil
}

// initialize calls C_Initialize with CKF_OS_LOCKING_OK and, when params is
// set, pReserved pointing at params as a NUL-terminated string (NSS
// softokn copies what it needs during the call). A module another library
// in this process already initialised is accepted.
func initialize(ctx p11, params string) error {
	var err error
	if params == "" {
		err = ctx.Initialize()
	} else {
		b := append([]byte(params), 0)
		err = ctx.Initialize(pkcs11.InitializeWithReserved(unsafe.Pointer(&b[0])))
		runtime.KeepAlive(b)
	}
	if ckr(err, pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		return nil
	}
	return err
}

// initHint says what to try when C_Initialize refuses its arguments.
func initHint(err error, params string) string {
	if !ckr(err, pkcs11.CKR_ARGUMENTS_BAD) {
		return ""
	}
	if params == "" {
		return " (this module may need initialisation parameters: NSS softokn does, see --module-init-params)"
	}
	return " (check the module's initialisation parameters)"
}
