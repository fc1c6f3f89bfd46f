package ceremony

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/require"
)

var errOpened = errors.New("validation passed: the token would be opened now")

func softSigner(t *testing.T) (*ecdsa.PrivateKey, verify.TrustedKey) {
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	id, err := bundle.KeyID(k.Public())
	require.NoError(t, err)
	return k, verify.TrustedKey{KeyID: id, Public: k.Public(), Algorithm: "ECDSA_P384"}
}

// wrap --params-trust: unsigned, untrusted or under-signed parameters are
// refused before the token is opened; trusted ones pass validation.
func TestWrapParamsTrust(t *testing.T) {
	m, err := ceremonytest.Params(now0, ceremonytest.Entry{})
	require.NoError(t, err)
	a, trustA := softSigner(t)
	b, trustB := softSigner(t)
	_, trustC := softSigner(t)
	byA, err := bundle.SignParams(m.Data, a)
	require.NoError(t, err)
	byAB, err := bundle.SignParams(m.Data, a, b)
	require.NoError(t, err)
	cases := []struct {
		name      string
		params    []byte
		trust     []verify.TrustedKey
		threshold int
		want      []error
	}{
		{"unsigned, no trust given", m.Data, nil, 0, []error{errOpened}},
		{"signed, no trust given", byA, nil, 0, []error{errOpened}},
		{"signed by a trusted key", byA, []verify.TrustedKey{trustC, trustA}, 1, []error{errOpened}},
		{"two of two", byAB, []verify.TrustedKey{trustA, trustB}, 2, []error{errOpened}},
		{"unsigned", m.Data, []verify.TrustedKey{trustA}, 1, []error{ErrParamsUnsigned}},
		{"signed by a key not trusted", byA, []verify.TrustedKey{trustC}, 1, []error{verify.ErrUntrusted}},
		{"one of two required", byA, []verify.TrustedKey{trustA, trustB}, 2, []error{verify.ErrUntrusted}},
		{"the same key pinned twice counts once", byA, []verify.TrustedKey{trustA, trustA}, 2, []error{verify.ErrUntrusted}},
		{"threshold without trust", byA, nil, 2, []error{ErrInvalidRequest}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := baseOptions(t, c.params)
			o.ParamsTrust, o.ParamsThreshold = c.trust, c.threshold
			o.Open = func() (Token, error) { return nil, errOpened }
			_, err := Wrap(context.Background(), o)
			for _, w := range c.want {
				require.ErrorIs(t, err, w, "want %v, got", w)
			}
			require.False(t, !errors.Is(c.want[0], errOpened) && errors.Is(err, errOpened), "the token was opened")
		})
	}
}

// The import payload of a wrap from signed parameters binds the signed file.
func TestSignedParamsFormat(t *testing.T) {
	m, err := ceremonytest.Params(now0, ceremonytest.Entry{})
	require.NoError(t, err)
	a, _ := softSigner(t)
	signed, err := bundle.SignParams(m.Data, a)
	require.NoError(t, err)
	o := baseOptions(t, signed)
	p, err := validate(&o, now0)
	require.NoError(t, err)
	require.Equal(t, bundle.ParamsFormatSigned, p.paramsFormat, "format %q sha256 %s", p.paramsFormat, p.paramsSHA256)
	require.Equal(t, bundle.SHA256Hex(signed), p.paramsSHA256, "format %q sha256 %s", p.paramsFormat, p.paramsSHA256)
}
