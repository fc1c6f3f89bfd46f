package hsmtest

import (
	"strings"
	"unsafe"
)

func unsafePtr(b []byte) unsafe.Pointer { return unsafe.Pointer(&b[0]) }

func trim(s string) string { return strings.TrimRight(s, " \x00") }
