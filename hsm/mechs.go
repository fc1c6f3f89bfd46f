package hsm

import (
	"crypto"
	"fmt"
)

// AES key wrap mechanisms.
const (
	// CKMAESKeyWrap is RFC 3394 without padding (alignment probe only).
	CKMAESKeyWrap = 0x2109
	// CKMAESKeyWrapPad is CKM_AES_KEY_WRAP_PAD: RFC 5649 on SoftHSM (with a
	// padding bug in 2.6.1), something else on NSS: always self-tested.
	CKMAESKeyWrapPad = 0x210A
	// CKMAESKeyWrapKWP is CKM_AES_KEY_WRAP_KWP (PKCS#11 3.0): RFC 5649.
	CKMAESKeyWrapKWP = 0x210B
	// CKMRSAAESKeyWrap is CKM_RSA_AES_KEY_WRAP: both steps in one mechanism.
	CKMRSAAESKeyWrap = 0x1054
)

// kwpCandidates is the order SelfTest tries AES-KWP mechanisms in.
var kwpCandidates = []uint{CKMAESKeyWrapKWP, CKMAESKeyWrapPad}

// MechanismName names a mechanism id for operators.
func MechanismName(m uint) string {
	switch m {
	case CKMAESKeyWrap:
		return "CKM_AES_KEY_WRAP (0x2109)"
	case CKMAESKeyWrapPad:
		return "CKM_AES_KEY_WRAP_PAD (0x210A)"
	case CKMAESKeyWrapKWP:
		return "CKM_AES_KEY_WRAP_KWP (0x210B)"
	case CKMRSAAESKeyWrap:
		return "CKM_RSA_AES_KEY_WRAP (0x1054)"
	case 0:
		return "none"
	}
	return fmt.Sprintf("vendor mechanism 0x%X", m)
}

func oaepName(h crypto.Hash) string {
	_, _, n := ckmHash(h)
	return fmt.Sprintf("CKM_RSA_PKCS_OAEP(%s, MGF1-%s)", n, n)
}
