package hsm

import "github.com/miekg/pkcs11"

// deviceFaults are the PKCS#11 return values that mean the token, its
// connection or the session failed, as opposed to a refusal of a request.
var deviceFaults = []uint{
	pkcs11.CKR_DEVICE_ERROR,
	pkcs11.CKR_DEVICE_MEMORY,
	pkcs11.CKR_DEVICE_REMOVED,
	pkcs11.CKR_TOKEN_NOT_PRESENT,
	pkcs11.CKR_SESSION_CLOSED,
	pkcs11.CKR_SESSION_HANDLE_INVALID,
	pkcs11.CKR_USER_NOT_LOGGED_IN,
}

// isDeviceFault reports whether err is a device, connection or session failure.
func isDeviceFault(err error) bool {
	for _, rv := range deviceFaults {
		if ckr(err, rv) {
			return true
		}
	}
	return false
}
