// Package p11raw makes the PKCS#11 calls that github.com/miekg/pkcs11
// cannot make the way airwrap needs: into caller-sized buffers, one C call
// each. miekg's WrapKey, Encrypt, Sign and GetAttributeValue always ask for
// the length first (a NULL buffer) and then call again into exactly that
// many bytes: two round trips on a networked HSM where the size is known
// in advance (an AES block, a hash, an RSA modulus, a CK_ULONG). And NSS
// softokn answers C_WrapKey's length query for CKM_AES_KEY_WRAP_KWP with
// the input length, so miekg's second call fails with CKR_BUFFER_TOO_SMALL.
// Here the caller chooses the buffer size; on CKR_BUFFER_TOO_SMALL it is
// told the length the module wants.
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

// p11raw_wrap_oaep is C_WrapKey with CKM_RSA_PKCS_OAEP (aes_bits == 0) or
// CKM_RSA_AES_KEY_WRAP (aes_bits > 0): OAEP with hash and mgf, an empty
// label (CKZ_DATA_SPECIFIED, no data).
static CK_RV p11raw_wrap_oaep(CK_FUNCTION_LIST_PTR fl, CK_SESSION_HANDLE s, CK_MECHANISM_TYPE m,
		CK_MECHANISM_TYPE hash, CK_ULONG mgf, CK_ULONG aes_bits,
		CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key, CK_BYTE_PTR out, CK_ULONG_PTR outlen) {
	CK_RSA_PKCS_OAEP_PARAMS oaep = { hash, mgf, CKZ_DATA_SPECIFIED, NULL_PTR, 0 };
	CK_RSA_AES_KEY_WRAP_PARAMS rsaaes = { aes_bits, &oaep };
	CK_MECHANISM mech = { m, &oaep, sizeof(oaep) };
	if (aes_bits > 0) {
		mech.pParameter = &rsaaes;
		mech.ulParameterLen = sizeof(rsaaes);
	}
	return fl->C_WrapKey(s, &mech, wrapping, key, out, outlen);
}

static CK_RV p11raw_encrypt(CK_FUNCTION_LIST_PTR fl, CK_SESSION_HANDLE s,
		CK_BYTE_PTR in, CK_ULONG inlen, CK_BYTE_PTR out, CK_ULONG_PTR outlen) {
	return fl->C_Encrypt(s, in, inlen, out, outlen);
}

static CK_RV p11raw_sign(CK_FUNCTION_LIST_PTR fl, CK_SESSION_HANDLE s,
		CK_BYTE_PTR in, CK_ULONG inlen, CK_BYTE_PTR out, CK_ULONG_PTR outlen) {
	return fl->C_Sign(s, in, inlen, out, outlen);
}

// p11raw_getattrs is C_GetAttributeValue of n attributes, the i-th into
// buf + off[i], len[i] bytes; len[i] receives its length (or
// CK_UNAVAILABLE_INFORMATION).
static CK_RV p11raw_getattrs(CK_FUNCTION_LIST_PTR fl, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o,
		CK_ULONG n, CK_ATTRIBUTE_TYPE *types, CK_BYTE_PTR buf, CK_ULONG *off, CK_ULONG *len) {
	CK_ATTRIBUTE *t = calloc(n, sizeof(CK_ATTRIBUTE));
	if (t == NULL) {
		return CKR_HOST_MEMORY;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		t[i].type = types[i];
		t[i].pValue = buf + off[i];
		t[i].ulValueLen = len[i];
	}
	CK_RV rv = fl->C_GetAttributeValue(s, o, t, n);
	for (CK_ULONG i = 0; i < n; i++) {
		len[i] = t[i].ulValueLen;
	}
	free(t);
	return rv;
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

// Mech is a wrapping mechanism with OAEP parameters: CKM_RSA_PKCS_OAEP, or
// CKM_RSA_AES_KEY_WRAP when AESKeyBits > 0. The OAEP label is empty.
type Mech struct {
	Type       uint
	HashAlg    uint // CKM_SHA_1, ...
	MGF        uint // CKG_MGF1_SHA1, ...
	AESKeyBits uint
}

// WrapKeyMech is WrapKey with an OAEP-parameterised mechanism.
func (l *Lib) WrapKeyMech(session uint, m Mech, wrapping, key uint, size int) (out []byte, n int, rv uint) {
	return l.into(size, func(buf *C.CK_BYTE, n *C.CK_ULONG) C.CK_RV {
		return C.p11raw_wrap_oaep(l.fl, C.CK_SESSION_HANDLE(session), C.CK_MECHANISM_TYPE(m.Type),
			C.CK_MECHANISM_TYPE(m.HashAlg), C.CK_ULONG(m.MGF), C.CK_ULONG(m.AESKeyBits),
			C.CK_OBJECT_HANDLE(wrapping), C.CK_OBJECT_HANDLE(key), buf, n)
	})
}

// Encrypt is C_Encrypt of in (after C_EncryptInit on the session) into a
// buffer of size bytes. On CKR_BUFFER_TOO_SMALL the operation is still
// active (PKCS#11 v2.40, section 5.2) and n is the length wanted.
func (l *Lib) Encrypt(session uint, in []byte, size int) (out []byte, n int, rv uint) {
	cin := C.CBytes(in)
	defer C.free(cin)
	return l.into(size, func(buf *C.CK_BYTE, n *C.CK_ULONG) C.CK_RV {
		return C.p11raw_encrypt(l.fl, C.CK_SESSION_HANDLE(session), (*C.CK_BYTE)(cin), C.CK_ULONG(len(in)), buf, n)
	})
}

// Sign is C_Sign, as Encrypt is C_Encrypt.
func (l *Lib) Sign(session uint, in []byte, size int) (out []byte, n int, rv uint) {
	cin := C.CBytes(in)
	defer C.free(cin)
	return l.into(size, func(buf *C.CK_BYTE, n *C.CK_ULONG) C.CK_RV {
		return C.p11raw_sign(l.fl, C.CK_SESSION_HANDLE(session), (*C.CK_BYTE)(cin), C.CK_ULONG(len(in)), buf, n)
	})
}

// into calls f with a C buffer of size bytes and its length, and returns
// what f wrote.
func (l *Lib) into(size int, f func(*C.CK_BYTE, *C.CK_ULONG) C.CK_RV) (out []byte, n int, rv uint) {
	if size <= 0 {
		return nil, 0, 0x7 // CKR_ARGUMENTS_BAD
	}
	buf := (*C.CK_BYTE)(C.malloc(C.size_t(size)))
	defer C.free(unsafe.Pointer(buf))
	l2 := C.CK_ULONG(size)
	r := f(buf, &l2)
	if r != C.CKR_OK {
		return nil, int(l2), uint(r)
	}
	if int(l2) > size {
		return nil, int(l2), 0x150 // CKR_BUFFER_TOO_SMALL: a module that says OK but overran
	}
	return C.GoBytes(unsafe.Pointer(buf), C.int(l2)), int(l2), 0
}

// GetAttributes is C_GetAttributeValue of types in one call, the i-th
// into a buffer of sizes[i] bytes. vals[i] is nil where the module gave
// no value (CK_UNAVAILABLE_INFORMATION). CKR_ATTRIBUTE_SENSITIVE and
// CKR_ATTRIBUTE_TYPE_INVALID come with the values the module did give:
// PKCS#11 v2.40 (section 5.7, C_GetAttributeValue) says they are not true
// errors, and that the module must have processed every attribute. On
// CKR_BUFFER_TOO_SMALL, or any other return value, vals is nil.
func (l *Lib) GetAttributes(session, object uint, types []uint, sizes []int) (vals [][]byte, rv uint) {
	n := len(types)
	if n == 0 || len(sizes) != n {
		return nil, 0x7 // CKR_ARGUMENTS_BAD
	}
	total := 0
	for _, s := range sizes {
		if s <= 0 {
			return nil, 0x7
		}
		total += s
	}
	word := C.size_t(unsafe.Sizeof(C.CK_ULONG(0)))
	ctypes := (*C.CK_ATTRIBUTE_TYPE)(C.malloc(C.size_t(n) * word))
	off := (*C.CK_ULONG)(C.malloc(C.size_t(n) * word))
	lens := (*C.CK_ULONG)(C.malloc(C.size_t(n) * word))
	buf := (*C.CK_BYTE)(C.malloc(C.size_t(total)))
	defer func() {
		C.free(unsafe.Pointer(ctypes))
		C.free(unsafe.Pointer(off))
		C.free(unsafe.Pointer(lens))
		C.free(unsafe.Pointer(buf))
	}()
	ct, co, cl := unsafe.Slice(ctypes, n), unsafe.Slice(off, n), unsafe.Slice(lens, n)
	at := 0
	for i := range n {
		ct[i], co[i], cl[i] = C.CK_ATTRIBUTE_TYPE(types[i]), C.CK_ULONG(at), C.CK_ULONG(sizes[i])
		at += sizes[i]
	}
	r := C.p11raw_getattrs(l.fl, C.CK_SESSION_HANDLE(session), C.CK_OBJECT_HANDLE(object), C.CK_ULONG(n), ctypes, buf, off, lens)
	if r != C.CKR_OK && r != C.CKR_ATTRIBUTE_SENSITIVE && r != C.CKR_ATTRIBUTE_TYPE_INVALID {
		return nil, uint(r)
	}
	vals = make([][]byte, n)
	for i := range n {
		if C.CK_LONG(cl[i]) == -1 {
			continue // CK_UNAVAILABLE_INFORMATION
		}
		if int(cl[i]) > sizes[i] {
			return nil, 0x150 // CKR_BUFFER_TOO_SMALL: a module that says OK but overran
		}
		vals[i] = C.GoBytes(unsafe.Add(unsafe.Pointer(buf), int(co[i])), C.int(cl[i]))
	}
	return vals, uint(r)
}
