// Package p11raw makes the one PKCS#11 call that github.com/miekg/pkcs11
// cannot make the way airwrap needs: C_WrapKey into a caller-sized buffer.
// miekg's WrapKey always asks for the length first (pWrappedKey = NULL) and
// then wraps into exactly that many bytes; NSS softokn answers that query
// for CKM_AES_KEY_WRAP_KWP with the input length, so the second call fails
// with CKR_BUFFER_TOO_SMALL. Here the caller chooses the buffer size.
//
// It reaches a module that miekg/pkcs11 has already loaded (dlopen with
// RTLD_NOLOAD: it never loads or initialises one itself) through the
// module's own C_GetFunctionList, so sessions and object handles are shared.
package p11raw

/*
#cgo linux LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

#define CK_PTR *
#ifndef NULL_PTR
#define NULL_PTR 0
#endif
#define CK_DEFINE_FUNCTION(returnType, name) returnType name
#define CK_DECLARE_FUNCTION(returnType, name) returnType name
#define CK_DECLARE_FUNCTION_POINTER(returnType, name) returnType (* name)
#define CK_CALLBACK_FUNCTION(returnType, name) returnType (* name)
#include "pkcs11.h"

// p11raw_open finds an already loaded module and its function list.
static CK_FUNCTION_LIST_PTR p11raw_open(const char *path, void **handle) {
	void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (h == NULL) {
		return NULL;
	}
	CK_C_GetFunctionList gfl = (CK_C_GetFunctionList)dlsym(h, "C_GetFunctionList");
	CK_FUNCTION_LIST_PTR fl = NULL;
	if (gfl == NULL || gfl(&fl) != CKR_OK || fl == NULL) {
		dlclose(h);
		return NULL;
	}
	*handle = h;
	return fl;
}

static void p11raw_close(void *handle) { dlclose(handle); }

// p11raw_wrap is C_WrapKey with a parameterless mechanism. out == NULL asks
// for the length.
static CK_RV p11raw_wrap(CK_FUNCTION_LIST_PTR fl, CK_SESSION_HANDLE s, CK_MECHANISM_TYPE m,
		CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key, CK_BYTE_PTR out, CK_ULONG_PTR outlen) {
	CK_MECHANISM mech = { m, NULL_PTR, 0 };
	return fl->C_WrapKey(s, &mech, wrapping, key, out, outlen);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// ErrNotLoaded means the module is not loaded in this process.
var ErrNotLoaded = errors.New("module not loaded in this process")

// Lib is a handle on an already loaded, initialised PKCS#11 module.
type Lib struct {
	handle unsafe.Pointer
	fl     C.CK_FUNCTION_LIST_PTR
}

// Open finds the module at path, which must already be loaded (by the same
// path) and initialised. Close releases the extra library reference.
func Open(path string) (*Lib, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var h unsafe.Pointer
	fl := C.p11raw_open(cpath, &h)
	if fl == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotLoaded, path)
	}
	return &Lib{handle: h, fl: fl}, nil
}

// Close drops the library reference Open took. Nil-safe.
func (l *Lib) Close() {
	if l == nil || l.handle == nil {
		return
	}
	C.p11raw_close(l.handle)
	l.handle, l.fl = nil, nil
}

// WrapKey calls C_WrapKey once with a parameterless mechanism into a
// buffer of size bytes and returns the output and the module's CK_RV. On
// CKR_BUFFER_TOO_SMALL, n is the length the module asked for.
func (l *Lib) WrapKey(session, mechanism, wrapping, key uint, size int) (out []byte, n int, rv uint) {
	if size <= 0 {
		return nil, 0, 0x7 // CKR_ARGUMENTS_BAD
	}
	buf := (*C.CK_BYTE)(C.malloc(C.size_t(size)))
	defer C.free(unsafe.Pointer(buf))
	l2 := C.CK_ULONG(size)
	r := C.p11raw_wrap(l.fl, C.CK_SESSION_HANDLE(session), C.CK_MECHANISM_TYPE(mechanism),
		C.CK_OBJECT_HANDLE(wrapping), C.CK_OBJECT_HANDLE(key), buf, &l2)
	if r != C.CKR_OK {
		return nil, int(l2), uint(r)
	}
	if int(l2) > size {
		return nil, int(l2), 0x150 // CKR_BUFFER_TOO_SMALL: a module that says OK but overran
	}
	return C.GoBytes(unsafe.Pointer(buf), C.int(l2)), int(l2), 0
}

// WrapLen asks the module for the output length (pWrappedKey = NULL).
func (l *Lib) WrapLen(session, mechanism, wrapping, key uint) (n int, rv uint) {
	var l2 C.CK_ULONG
	r := C.p11raw_wrap(l.fl, C.CK_SESSION_HANDLE(session), C.CK_MECHANISM_TYPE(mechanism),
		C.CK_OBJECT_HANDLE(wrapping), C.CK_OBJECT_HANDLE(key), nil, &l2)
	return int(l2), uint(r)
}
