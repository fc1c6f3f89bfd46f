package hsm

import (
	"crypto/aes"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

// This file is an RFC 5649 (AES key wrap with padding) implementation used
// only to check the token's output in SelfTest: the token wraps a known
// secret under a known session AES key, and kwpUnwrap must give it back
// exactly. Material airwrap imports is never unwrapped here.

// errKWP means a KWP blob did not unwrap (bad integrity check or length).
var errKWP = errors.New("aes key wrap with padding: integrity check failed")

// kwpAIV is RFC 5649's alternative initial value prefix.
var kwpAIV = [4]byte{0xA6, 0x59, 0x59, 0xA6}

// kwpWrap wraps plaintext under kek (RFC 5649 section 4.1).
func kwpWrap(kek, plaintext []byte) ([]byte, error) {
	b, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("kwp: %w", err)
	}
	if len(plaintext) == 0 {
		return nil, fmt.Errorf("kwp: empty plaintext: %w", errKWP)
	}
	var aiv [8]byte
	copy(aiv[:4], kwpAIV[:])
	binary.BigEndian.PutUint32(aiv[4:], uint32(len(plaintext)))
	padded := make([]byte, (len(plaintext)+7)/8*8)
	copy(padded, plaintext)
	if len(padded) == 8 {
		out := make([]byte, 16)
		copy(out, aiv[:])
		copy(out[8:], padded)
		b.Encrypt(out, out)
		return out, nil
	}
	n := len(padded) / 8
	r := make([]byte, 8+len(padded))
	copy(r[8:], padded)
	a := aiv
	var blk [16]byte
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			copy(blk[:8], a[:])
			copy(blk[8:], r[8*i:8*i+8])
			b.Encrypt(blk[:], blk[:])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(a[:], binary.BigEndian.Uint64(blk[:8])^t)
			copy(r[8*i:], blk[8:])
		}
	}
	copy(r[:8], a[:])
	return r, nil
}

// kwpUnwrap unwraps an RFC 5649 blob under kek (section 4.2), checking the
// AIV, the length indicator and that the padding bytes are zero.
func kwpUnwrap(kek, wrapped []byte) ([]byte, error) {
	b, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("kwp: %w", err)
	}
	if len(wrapped) < 16 || len(wrapped)%8 != 0 {
		return nil, fmt.Errorf("kwp: %d bytes is not a wrapped length: %w", len(wrapped), errKWP)
	}
	var a [8]byte
	var p []byte
	if len(wrapped) == 16 {
		blk := make([]byte, 16)
		b.Decrypt(blk, wrapped)
		copy(a[:], blk[:8])
		p = blk[8:]
	} else {
		n := len(wrapped)/8 - 1
		r := make([]byte, len(wrapped))
		copy(r, wrapped)
		copy(a[:], r[:8])
		var blk [16]byte
		for j := 5; j >= 0; j-- {
			for i := n; i >= 1; i-- {
				t := uint64(n*j + i)
				binary.BigEndian.PutUint64(blk[:8], binary.BigEndian.Uint64(a[:])^t)
				copy(blk[8:], r[8*i:8*i+8])
				b.Decrypt(blk[:], blk[:])
				copy(a[:], blk[:8])
				copy(r[8*i:], blk[8:])
			}
		}
		p = r[8:]
	}
	if subtle.ConstantTimeCompare(a[:4], kwpAIV[:]) != 1 {
		return nil, errKWP
	}
	mli := int(binary.BigEndian.Uint32(a[4:]))
	if mli <= len(p)-8 || mli > len(p) {
		return nil, fmt.Errorf("kwp: length indicator %d does not fit %d bytes: %w", mli, len(p), errKWP)
	}
	for _, z := range p[mli:] {
		if z != 0 {
			return nil, fmt.Errorf("kwp: non-zero padding: %w", errKWP)
		}
	}
	return p[:mli], nil
}
