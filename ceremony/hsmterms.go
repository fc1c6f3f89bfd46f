package ceremony

import (
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
)

// The one mapping between KMS names (kmsrules, bundle) and the PKCS#11
// terms of package hsm. It lives here because this is the package that
// knows both: kmsrules must stay free of hsm (the cgo-free online binary
// uses it), and hsm speaks PKCS#11 only.

// wrapMechanisms pairs each KMS wrapping algorithm with the hsm mechanism
// that produces it.
var wrapMechanisms = map[kmsrules.WrappingAlgorithm]hsm.WrapMechanism{
	kmsrules.RSAESOAEPSHA1:       hsm.OAEPSHA1,
	kmsrules.RSAESOAEPSHA256:     hsm.OAEPSHA256,
	kmsrules.RSAAESKeyWrapSHA1:   hsm.RSAAESKeyWrapSHA1,
	kmsrules.RSAAESKeyWrapSHA256: hsm.RSAAESKeyWrapSHA256,
}

// WrapMechanism is the hsm mechanism that wraps as alg says.
func WrapMechanism(alg kmsrules.WrappingAlgorithm) (hsm.WrapMechanism, error) {
	m, ok := wrapMechanisms[alg]
	if !ok {
		_, err := kmsrules.ParseWrappingAlgorithm(string(alg))
		return hsm.WrapMechanism{}, err
	}
	return m, nil
}

// WrappingAlgorithm is the KMS wrapping algorithm an hsm mechanism produces.
func WrappingAlgorithm(m hsm.WrapMechanism) kmsrules.WrappingAlgorithm {
	for a, w := range wrapMechanisms {
		if w == m {
			return a
		}
	}
	return kmsrules.WrappingAlgorithm(m.String())
}

// KeyParams is the HSM key of a KMS key spec, in hsm's terms.
func KeyParams(spec kmsrules.KeySpec) (hsm.KeyParams, error) {
	switch spec.Kind() {
	case kmsrules.KindSymmetric:
		return hsm.KeyParams{Type: hsm.AESKey, Len: spec.RawLen()}, nil
	case kmsrules.KindHMAC:
		return hsm.KeyParams{Type: hsm.GenericSecret, Len: spec.RawLen()}, nil
	case kmsrules.KindRSA:
		return hsm.KeyParams{Type: hsm.RSAKeyPair, RSABits: spec.RSABits()}, nil
	case kmsrules.KindEC:
		return hsm.KeyParams{Type: hsm.ECKeyPair, CurveOID: spec.CurveOID()}, nil
	}
	_, err := kmsrules.ParseKeySpec(string(spec))
	return hsm.KeyParams{}, err
}

// keyGenerator is a token that generates keys in PKCS#11 terms (*hsm.Token
// does).
type keyGenerator interface {
	GenerateKey(label string, p hsm.KeyParams) (*hsm.Key, error)
}

// GenerateKey makes a key of a KMS key spec on the token (`airwrap key
// generate`, a plan's generate:).
func GenerateKey(tok keyGenerator, label, spec string) (*hsm.Key, error) {
	s, err := kmsrules.ParseKeySpec(spec)
	if err != nil {
		return nil, err
	}
	p, err := KeyParams(s)
	if err != nil {
		return nil, err
	}
	return tok.GenerateKey(label, p)
}

// CheckMethod is the bundle's name for how an HSM key's check value was
// computed (bundle.CheckMethod*); "" for none.
func CheckMethod(m hsm.CheckMethod) string {
	switch m {
	case hsm.CheckAESZeroBlock:
		return bundle.CheckMethodAESKCV
	case hsm.CheckHMAC:
		return bundle.CheckMethodHMAC
	case hsm.CheckSPKISHA256:
		return bundle.CheckMethodSPKISHA256
	}
	return ""
}

// HMACCheckInput is what HMAC check values are the MAC of
// (hsm.Config.HMACCheckInput), as the import bundle says (bundle.HMACCheckInput).
func HMACCheckInput() []byte { return []byte(bundle.HMACCheckInput) }
