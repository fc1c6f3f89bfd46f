package hsm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/miekg/pkcs11"
)

// Module errors (errors.Is).
var (
	// ErrModule means the module path is not a loadable PKCS#11 library.
	ErrModule = errors.New("not a PKCS#11 library")
	// ErrTokenAmbiguous means more than one token carries the label.
	ErrTokenAmbiguous = errors.New("more than one token with that label")
)

// module is one loaded PKCS#11 library, shared by every Token opened on the
// same path in this process: C_Initialize once, C_Finalize when the last
// Token closes (so two tokens on one module do not finalize each other).
type module struct {
	path string
	p    p11
	refs int
}

// wrapModule, when set (by tests), wraps each newly loaded module: the
// place for a fault-injecting p11.
var wrapModule func(p11) p11

var (
	modulesMu sync.Mutex
	modules   = map[string]*module{}
)

// loadModule loads and initialises path, or returns the already loaded one.
func loadModule(path string) (*module, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // one library reached by two paths is still one module
	}
	modulesMu.Lock()
	defer modulesMu.Unlock()
	if m, ok := modules[path]; ok {
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
	if err := ctx.Initialize(); err != nil && !ckr(err, pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		ctx.Destroy()
		return nil, fmt.Errorf("C_Initialize of %s: %w", path, err)
	}
	m := &module{path: path, p: ctx, refs: 1}
	if wrapModule != nil {
		m.p = wrapModule(ctx)
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
	m.p.Destroy()
	if err != nil {
		return fmt.Errorf("C_Finalize: %w", err)
	}
	return nil
}
