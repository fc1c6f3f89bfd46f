package kmsrules

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckWrappingPublicKey(t *testing.T) {
	k2048 := wrappingDER(t, "2048")
	pub, err := x509.ParsePKIXPublicKey(k2048)
	require.NoError(t, err)
	withE := func(e int) []byte {
		k := *pub.(*rsa.PublicKey)
		k.E = e
		der, err := x509.MarshalPKIXPublicKey(&k)
		require.NoError(t, err)
		return der
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	evenN := *pub.(*rsa.PublicKey)
	evenN.N = new(big.Int).SetBit(new(big.Int).Set(evenN.N), 0, 0)
	evenDER, _ := x509.MarshalPKIXPublicKey(&evenN)
	cases := []struct {
		name, spec string
		der        []byte
		msg        string
	}{
		{"RSA_2048 ok", "RSA_2048", k2048, ""},
		{"RSA_3072 ok", "RSA_3072", wrappingDER(t, "3072"), ""},
		{"RSA_4096 ok", "RSA_4096", wrappingDER(t, "4096"), ""},
		{"size mismatch", "RSA_4096", k2048, "wrapping public key is not acceptable: RSA 2048 bits, but the wrapping key spec says RSA_4096"},
		{"unknown spec", "RSA_1024", k2048, `wrapping public key is not acceptable: unknown wrapping key spec "RSA_1024" (want RSA_2048, RSA_3072 or RSA_4096)`},
		{"exponent 3", "RSA_2048", withE(3), "wrapping public key is not acceptable: public exponent 3, want 65537"},
		{"even exponent", "RSA_2048", withE(65536), ""},
		{"huge exponent", "RSA_2048", withE(1<<31 - 1), ""},
		{"even modulus", "RSA_2048", evenDER, ""},
		{"EC key", "RSA_2048", ecDER, "wrapping public key is not acceptable: *ecdsa.PublicKey, want RSA"},
		{"garbage", "RSA_2048", []byte{0x30, 0x00}, ""},
		{"trailing byte", "RSA_2048", append(append([]byte{}, k2048...), 0), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := CheckWrappingPublicKey(c.der, WrappingKeySpec(c.spec))
			if c.name[len(c.name)-2:] == "ok" {
				require.NoError(t, err, "want ok, got %v", err)
				require.NotNil(t, k, "want ok, got %v", err)
				return
			}
			wantErr(t, err, ErrWrappingKey, "")
			if c.msg != "" {
				require.Equal(t, c.msg, err.Error())
			}
		})
	}
}

func TestParseARN(t *testing.T) {
	good := []struct{ s, partition, region, account, id string }{
		{"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "aws", "eu-west-1", "111122223333", "1234abcd-12ab-34cd-56ef-1234567890ab"},
		{"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", "aws-us-gov", "us-gov-west-1", "111122223333", "mrk-1234abcd12ab34cd56ef1234567890ab"},
		{"arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "aws-cn", "cn-north-1", "111122223333", "1234abcd-12ab-34cd-56ef-1234567890ab"},
	}
	for _, g := range good {
		a, err := ParseARN(g.s)
		if assert.NoError(t, err, "ParseARN(%q) = %+v, %v", g.s, a, err) {
			assert.Equal(t, g.partition, a.Partition, "ParseARN(%q) = %+v, %v", g.s, a, err)
			assert.Equal(t, g.region, a.Region, "ParseARN(%q) = %+v, %v", g.s, a, err)
			assert.Equal(t, g.account, a.Account, "ParseARN(%q) = %+v, %v", g.s, a, err)
			assert.Equal(t, g.id, a.KeyID, "ParseARN(%q) = %+v, %v", g.s, a, err)
			assert.Equal(t, g.s, a.String(), "ParseARN(%q) = %+v, %v", g.s, a, err)
		}
	}
	bad := map[string]string{
		"1234abcd-12ab-34cd-56ef-1234567890ab":                                           `not a KMS key ARN: "1234abcd-12ab-34cd-56ef-1234567890ab" (want arn:aws:kms:<region>:<account>:key/<key id>)`,
		"arn:aws:kms:eu-west-1:111122223333:alias/payments":                              `not a KMS key ARN: "arn:aws:kms:eu-west-1:111122223333:alias/payments": an alias ARN: give the key ARN (aws kms describe-key shows it)`,
		"arn:aws:s3:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab":     `not a KMS key ARN: "arn:aws:s3:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab": service is "s3", not kms`,
		"arn:aws:kms:eu-west-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab":     `not a KMS key ARN: "arn:aws:kms:eu-west-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab": account "11112222333" is not 12 digits`,
		"arn:aws:kms:EU-WEST-1:111122223333:key/1234ABCD-12ab-34cd-56ef-1234567890ab":    `not a KMS key ARN: "arn:aws:kms:EU-WEST-1:111122223333:key/1234ABCD-12ab-34cd-56ef-1234567890ab": bad Region "EU-WEST-1"; key id "1234ABCD-12ab-34cd-56ef-1234567890ab" is not a lowercase UUID or mrk-<32 hex>`,
		"arn:aws-xx:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab": `not a KMS key ARN: "arn:aws-xx:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab": unknown partition "aws-xx"`,
		"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab:x":  `not a KMS key ARN: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab:x": key id "1234abcd-12ab-34cd-56ef-1234567890ab:x" is not a lowercase UUID or mrk-<32 hex>`,
		"arn:aws:kms:eu-west-1:111122223333:grant/1234abcd-12ab-34cd-56ef-1234567890ab":  `not a KMS key ARN: "arn:aws:kms:eu-west-1:111122223333:grant/1234abcd-12ab-34cd-56ef-1234567890ab": resource "grant/1234abcd-12ab-34cd-56ef-1234567890ab" is not key/<key id>`,
	}
	for s, msg := range bad {
		_, err := ParseARN(s)
		t.Run(s, func(t *testing.T) {
			wantErr(t, err, ErrARN, msg)
		})
	}
}

func TestCheckValidTo(t *testing.T) {
	tm := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	day := 24 * time.Hour
	cases := []struct {
		name, model string
		validTo     *time.Time
		msg         string
	}{
		{"expires in 30 days", ExpiresModel, tm(30 * day), ""},
		{"expires at exactly 365 days", ExpiresModel, tm(365 * day), ""},
		{"expires past 365 days", ExpiresModel, tm(365*day + time.Second), "ValidTo is not acceptable: 2027-11-27T12:00:01Z is more than 365 days ahead: the latest allowed now is 2027-11-27T12:00:00Z (as a date alone, 2027-11-27)"},
		{"expires now", ExpiresModel, tm(0), "ValidTo is not acceptable: 2026-11-27T12:00:00Z is not in the future"},
		{"expires in the past", ExpiresModel, tm(-day), "ValidTo is not acceptable: 2026-11-26T12:00:00Z is not in the future"},
		{"expires without ValidTo", ExpiresModel, nil, "ValidTo is not acceptable: KEY_MATERIAL_EXPIRES needs a ValidTo (give --valid-to, or --no-expiry for KEY_MATERIAL_DOES_NOT_EXPIRE)"},
		{"does not expire", DoesNotExpireModel, nil, ""},
		{"does not expire with ValidTo", DoesNotExpireModel, tm(day), "ValidTo is not acceptable: KEY_MATERIAL_DOES_NOT_EXPIRE takes no ValidTo"},
		{"unknown model", "NEVER", nil, `ValidTo is not acceptable: unknown expiration model "NEVER" (want KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckValidTo(c.model, c.validTo, now)
			if c.msg == "" {
				wantErr(t, err, nil, "")
				return
			}
			wantErr(t, err, ErrValidTo, c.msg)
		})
	}
}

func TestCheckFit(t *testing.T) {
	cases := []struct {
		spec KeySpec
		alg  WrappingAlgorithm
		wrap WrappingKeySpec
		want error
	}{
		{"SYMMETRIC_DEFAULT", RSAESOAEPSHA1, "RSA_2048", nil},
		{"HMAC_512", RSAESOAEPSHA256, "RSA_2048", nil},
		{"ECC_NIST_P384", RSAESOAEPSHA256, "RSA_2048", nil},
		{"ECC_NIST_P521", RSAESOAEPSHA256, "RSA_2048", ErrMaterialTooLarge},
		{"ECC_NIST_P521", RSAESOAEPSHA1, "RSA_2048", ErrMaterialTooLarge},
		{"ECC_NIST_P521", RSAESOAEPSHA256, "RSA_3072", nil},
		{"ECC_NIST_P521", RSAAESKeyWrapSHA256, "RSA_2048", nil},
		{"RSA_4096", RSAAESKeyWrapSHA1, "RSA_4096", nil},
		{"RSA_2048", RSAESOAEPSHA256, "RSA_4096", ErrAlgorithmNotAllowed},
		{"SYMMETRIC_DEFAULT", RSAAESKeyWrapSHA256, "RSA_4096", ErrAlgorithmNotAllowed},
		{"SYMMETRIC_DEFAULT", "RSAES_PKCS1_V1_5", "RSA_4096", ErrWrappingAlgorithm},
		{"ML_DSA_44", RSAESOAEPSHA256, "RSA_4096", ErrKeySpec},
		{"SYMMETRIC_DEFAULT", RSAESOAEPSHA256, "SM2", ErrWrappingKey},
	}
	for _, c := range cases {
		err := CheckFit(c.spec, c.alg, c.wrap)
		assert.False(t, (c.want == nil) != (err == nil) || (c.want != nil && !errorsIs(err, c.want)), "CheckFit(%s, %s, %s) = %v, want %v", c.spec, c.alg, c.wrap, err, c.want)
	}
	err := CheckFit("ECC_NIST_P521", RSAESOAEPSHA256, "RSA_2048")
	want := "key material does not fit the wrapping key: ECC_NIST_P521 material is up to 241 bytes, RSAES_OAEP_SHA_256 with RSA_2048 carries at most 190 (use RSA_AES_KEY_WRAP_* or a larger wrapping key)"
	assert.Equal(t, want, err.Error(), "got  %v\nwant %s", err, want)
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestValidToWarning(t *testing.T) {
	tm := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	for _, c := range []struct {
		name    string
		validTo *time.Time
		want    string
	}{
		{"no ValidTo", nil, ""},
		{"a day ahead", tm(24 * time.Hour), ""},
		{"a month ahead", tm(30 * 24 * time.Hour), ""},
		{"already past (an error, not a warning)", tm(-time.Hour), ""},
		{"just under a day", tm(23*time.Hour + 59*time.Minute), "ValidTo 2026-11-28T11:59:00Z is less than a day ahead (23h59m0s left): the import may happen later than that, and the key material stops working then"},
		{"an hour", tm(time.Hour), "ValidTo 2026-11-27T13:00:00Z is less than a day ahead (1h0m0s left): the import may happen later than that, and the key material stops working then"},
	} {
		got := ValidToWarning(c.validTo, now)
		assert.Equal(t, c.want, got, "%s:\n got %q\nwant %q", c.name, got, c.want)
	}
}

func TestChooseAlgorithm(t *testing.T) {
	cases := []struct {
		spec KeySpec
		alg  WrappingAlgorithm
		wks  WrappingKeySpec
		want WrappingAlgorithm
		err  error
	}{
		{"SYMMETRIC_DEFAULT", "", "RSA_4096", RSAESOAEPSHA256, nil},
		{"HMAC_512", "", "RSA_2048", RSAESOAEPSHA256, nil},
		{"RSA_4096", "", "RSA_2048", RSAAESKeyWrapSHA256, nil},
		{"ECC_NIST_P521", "", "RSA_2048", RSAAESKeyWrapSHA256, nil},
		{"ECC_NIST_P521", RSAESOAEPSHA256, "RSA_2048", "", ErrMaterialTooLarge},
		{"ECC_NIST_P521", RSAESOAEPSHA1, "RSA_2048", "", ErrMaterialTooLarge},
		{"ECC_NIST_P521", RSAESOAEPSHA256, "RSA_3072", RSAESOAEPSHA256, nil},
		{"ECC_NIST_P384", RSAESOAEPSHA256, "RSA_2048", RSAESOAEPSHA256, nil},
		{"RSA_2048", RSAESOAEPSHA256, "RSA_4096", "", ErrAlgorithmNotAllowed},
		{"SYMMETRIC_DEFAULT", RSAAESKeyWrapSHA256, "RSA_4096", "", ErrAlgorithmNotAllowed},
		{"SYMMETRIC_DEFAULT", "RSAES_PKCS1_V1_5", "RSA_4096", "", ErrWrappingAlgorithm},
		{"ML_DSA_44", "", "RSA_4096", "", ErrKeySpec},
		{"SYMMETRIC_DEFAULT", RSAESOAEPSHA1, "RSA_1024", "", ErrWrappingKey},
	}
	for _, c := range cases {
		got, err := ChooseAlgorithm(c.spec, c.alg, c.wks)
		if c.err != nil {
			assert.ErrorIs(t, err, c.err, "%s %q %s: error %v, want %v", c.spec, c.alg, c.wks, err, c.err)
			continue
		}
		if assert.NoError(t, err, "%s %q %s: %q, %v; want %q", c.spec, c.alg, c.wks, got, err, c.want) {
			assert.Equal(t, c.want, got, "%s %q %s: %q, %v; want %q", c.spec, c.alg, c.wks, got, err, c.want)
		}
	}
}

// TestTableReadOnly: what the read functions hand out is the caller's copy;
// changing it changes no rule.
func TestTableReadOnly(t *testing.T) {
	specs := KeySpecs()
	specs[0] = "ML_DSA_44"
	algs := SymmetricDefault.Algorithms()
	algs[0] = RSAAESKeyWrapSHA256
	all := WrappingAlgorithms()
	all[0] = "RSAES_PKCS1_V1_5"
	oid := KeySpec("ECC_NIST_P256").CurveOID()
	oid[0] = 9
	parts := Partitions()
	parts[0] = "evil"
	require.Equal(t, SymmetricDefault, KeySpecs()[0], "a caller changed the rules")
	require.False(t, SymmetricDefault.Allows(RSAAESKeyWrapSHA256), "a caller changed the rules")
	require.Equal(t, RSAESOAEPSHA256, WrappingAlgorithms()[0], "a caller changed the rules")
	require.Equal(t, 1, KeySpec("ECC_NIST_P256").CurveOID()[0], "a caller changed the rules")
	require.Equal(t, "aws", Partitions()[0], "a caller changed the rules")
	err := CheckFit(SymmetricDefault, RSAAESKeyWrapSHA256, "RSA_4096")
	require.ErrorIs(t, err, ErrAlgorithmNotAllowed, "after a caller changed its copy: %v", err)
}

// TestParse: each parse function accepts its names and refuses others with its sentinel.
func TestParse(t *testing.T) {
	for _, s := range KeySpecs() {
		got, err := ParseKeySpec(string(s))
		if assert.NoError(t, err, "ParseKeySpec(%s) = %q, %v", s, got, err) {
			assert.Equal(t, s, got, "ParseKeySpec(%s) = %q, %v", s, got, err)
			assert.NotZero(t, s.Kind(), "ParseKeySpec(%s) = %q, %v", s, got, err)
		}
	}
	for _, a := range WrappingAlgorithms() {
		got, err := ParseWrappingAlgorithm(string(a))
		if assert.NoError(t, err, "ParseWrappingAlgorithm(%s) = %q, %v", a, got, err) {
			assert.Equal(t, a, got, "ParseWrappingAlgorithm(%s) = %q, %v", a, got, err)
			assert.NotZero(t, a.Hash(), "ParseWrappingAlgorithm(%s) = %q, %v", a, got, err)
		}
	}
	for _, w := range []string{"RSA_2048", "RSA_3072", "RSA_4096"} {
		got, err := ParseWrappingKeySpec(w)
		if assert.NoError(t, err, "ParseWrappingKeySpec(%s) = %q, %v", w, got, err) {
			assert.NotZero(t, got.Bits(), "ParseWrappingKeySpec(%s) = %q, %v", w, got, err)
		}
	}
	wantErr(t, func() error { _, err := ParseKeySpec("ML_DSA_44"); return err }(), ErrKeySpec,
		`key spec is not importable: "ML_DSA_44" (importable: [SYMMETRIC_DEFAULT HMAC_224 HMAC_256 HMAC_384 HMAC_512 RSA_2048 RSA_3072 RSA_4096 ECC_NIST_P256 ECC_NIST_P384 ECC_NIST_P521 ECC_SECG_P256K1])`)
	wantErr(t, func() error { _, err := ParseWrappingAlgorithm("RSAES_PKCS1_V1_5"); return err }(), ErrWrappingAlgorithm,
		`unknown wrapping algorithm: "RSAES_PKCS1_V1_5" (known: [RSAES_OAEP_SHA_256 RSA_AES_KEY_WRAP_SHA_256 RSAES_OAEP_SHA_1 RSA_AES_KEY_WRAP_SHA_1])`)
	wantErr(t, func() error { _, err := ParseWrappingKeySpec("RSA_1024"); return err }(), ErrWrappingKey,
		`wrapping public key is not acceptable: unknown wrapping key spec "RSA_1024" (want RSA_2048, RSA_3072 or RSA_4096)`)
	require.Equal(t, Kind(0), KeySpec("ML_DSA_44").Kind(), "an unknown name has rules")
	require.Equal(t, 0, KeySpec("ML_DSA_44").MaxMaterialLen(), "an unknown name has rules")
	require.Equal(t, crypto.Hash(0), WrappingAlgorithm("x").Hash(), "an unknown name has rules")
}

// TestMaterialAndWrappedLen: measured material against the OAEP capacity,
// and the shape of wrapped output.
func TestMaterialAndWrappedLen(t *testing.T) {
	wantErr(t, CheckMaterialFits("ECC_NIST_P521", RSAESOAEPSHA256, "RSA_2048", 191), ErrMaterialTooLarge,
		"key material does not fit the wrapping key: ECC_NIST_P521 material is 191 bytes, RSAES_OAEP_SHA_256 with RSA_2048 carries at most 190 (use RSA_AES_KEY_WRAP_* or a larger wrapping key)")
	wantErr(t, CheckMaterialFits("ECC_NIST_P521", RSAESOAEPSHA256, "RSA_2048", 190), nil, "")
	wantErr(t, CheckMaterialFits("ECC_NIST_P521", RSAESOAEPSHA256, "RSA_2048", 0), nil, "")
	wantErr(t, CheckWrappedLen(SymmetricDefault, RSAESOAEPSHA1, "RSA_2048", 256), nil, "")
	wantErr(t, CheckWrappedLen(SymmetricDefault, RSAESOAEPSHA1, "RSA_2048", 255), ErrEncryptedLen,
		"encrypted key material has the wrong length: 255 bytes, RSAES_OAEP_SHA_1 with RSA_2048 gives 256")
	wantErr(t, CheckWrappedLen("ECC_NIST_P256", RSAAESKeyWrapSHA1, "RSA_2048", 256+80), nil, "")
	wantErr(t, CheckWrappedLen("ECC_NIST_P256", RSAAESKeyWrapSHA1, "RSA_2048", 256+81), ErrEncryptedLen, "")
	wantErr(t, CheckWrappedLen("ECC_NIST_P256", RSAAESKeyWrapSHA1, "RSA_2048", 256+8), ErrEncryptedLen, "")
	wantErr(t, CheckWrappedLen("ECC_NIST_P256", RSAAESKeyWrapSHA1, "RSA_2048", 256+160), ErrEncryptedLen, "")
	wantErr(t, CheckBlobSize(make([]byte, 6144)), nil, "")
	wantErr(t, CheckBlobSize(make([]byte, 6145)), ErrBlobSize, "KMS takes 1 to 6144 bytes here: 6145 bytes")
	wantErr(t, CheckBlobSize(nil), ErrBlobSize, "")
	wantErr(t, KeySpec("ECC_SECG_P256K1").CheckKeyUsage("KEY_AGREEMENT"), ErrKeyUsage,
		`key usage not possible for this key spec: "KEY_AGREEMENT" for ECC_SECG_P256K1 (possible: [SIGN_VERIFY])`)
}
