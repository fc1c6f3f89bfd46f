package ceremony

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/require"
)

// awsJSON is AWS CLI get-parameters-for-import JSON with chosen fields.
func awsJSON(keyID string, pub []byte, validTo time.Time) []byte {
	return []byte(`{"KeyId": "` + keyID + `", "ImportToken": "` + base64.StdEncoding.EncodeToString([]byte("token")) +
		`", "PublicKey": "` + base64.StdEncoding.EncodeToString(pub) + `", "ParametersValidTo": "` + validTo.UTC().Format(time.RFC3339) + `"}`)
}

func spki(t *testing.T, n *big.Int, e int) []byte {
	der, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: n, E: e})
	require.NoError(t, err)
	return der
}

// AWS CLI JSON that parses but names no KMS key, or carries a wrapping key
// KMS never issues, or has expired: refused before the token is opened, with
// exactly these errors.
func TestAWSCLIHostile(t *testing.T) {
	m, err := ceremonytest.AWSCLI(now0, ceremonytest.Entry{})
	require.NoError(t, err)
	a, err := bundle.ParseAWSCLIParams(m.Data)
	require.NoError(t, err)
	good := m.Keys[0].PublicKey
	small := new(big.Int).Lsh(big.NewInt(1), 1023)
	small.Add(small, big.NewInt(1))
	ecDER, err := x509.MarshalPKIXPublicKey(testECKey(t))
	require.NoError(t, err)
	later := now0.Add(time.Hour)
	cases := []struct {
		name, json, want string
		sentinel         error
	}{
		{"alias instead of a key ARN", string(awsJSON("alias/payments", a.PublicKey, later)),
			`KeyId: not a KMS key ARN: "alias/payments" (want arn:aws:kms:<region>:<account>:key/<key id>)`, kmsrules.ErrARN},
		{"wrapping key of 1024 bits", string(awsJSON(a.KeyID, spki(t, small, 65537), later)),
			`PublicKey: wrapping public key is not acceptable: unknown wrapping key spec "RSA_1024" (want RSA_2048, RSA_3072 or RSA_4096)`, kmsrules.ErrWrappingKey},
		{"exponent 3", string(awsJSON(a.KeyID, spki(t, good.N, 3), later)),
			"PublicKey: wrapping public key is not acceptable: public exponent 3, want 65537", kmsrules.ErrWrappingKey},
		{"not RSA", string(awsJSON(a.KeyID, ecDER, later)),
			"PublicKey: wrapping public key is not acceptable: *ecdsa.PublicKey, want RSA", kmsrules.ErrWrappingKey},
		{"expired", string(awsJSON(a.KeyID, a.PublicKey, now0.Add(-time.Hour))),
			"ParametersValidTo: import parameters have expired: 2026-11-28T02:00:00Z (now 2026-11-28T03:00:00Z): fetch new parameters", verify.ErrParamsExpired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := baseOptions(t, []byte(c.json))
			o.WrappingAlgorithm, o.KeySpec = string(kmsrules.RSAESOAEPSHA1), "SYMMETRIC_DEFAULT"
			o.Open = func() (Token, error) { return nil, errOpened }
			_, err := Wrap(context.Background(), o)
			require.NotErrorIs(t, err, errOpened, "want %v before the token is opened, got %v", c.sentinel, err)
			require.ErrorIs(t, err, c.sentinel, "want %v before the token is opened, got %v", c.sentinel, err)
			require.EqualError(t, err, c.want, "got  %v\nwant %s", err, c.want)
		})
	}
}

func testECKey(t *testing.T) any {
	_, pub := softSigner(t)
	return pub.Public
}
