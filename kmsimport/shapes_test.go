package kmsimport_test

// Paths local-kms cannot exercise (HMAC and asymmetric keys, RSA_AES_KEY_WRAP,
// ImportType, ListKeyRotations, GetPublicKey/GenerateMac on imported keys,
// ExpiredImportToken): the request the SDK serializes is checked field by
// field, and each documented response shape is answered by fakeKMS.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	hmacARN = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-4111-8111-111111111111"
	eccARN  = "arn:aws:kms:us-east-1:111122223333:key/22222222-2222-4222-8222-222222222222"
	symARN  = "arn:aws:kms:us-east-1:111122223333:key/33333333-3333-4333-8333-333333333333"
	matID   = "1f4e0d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170"
	matID2  = "aaaa0d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170"
)

func shapeEntry(arn, spec, alg string) bundle.ImportEntry {
	return bundle.ImportEntry{
		KeyARN: arn, KeySpec: spec, WrappingAlgorithm: alg, WrappingKeySpec: "RSA_4096",
		ImportToken: []byte("token-" + arn), EncryptedKeyMaterial: []byte("wrapped-" + arn),
		ParametersValidTo: time.Now().Add(time.Hour), ExpirationModel: kmsrules.DoesNotExpireModel,
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestShapeImportKeyMaterialRequest(t *testing.T) {
	f := newFake(t)
	api := f.client(t)
	f.on("DescribeKey", 200, describeJSON(hmacARN, "HMAC_256", "GENERATE_VERIFY_MAC", "PendingImport", ""))
	f.on("DescribeKey", 200, describeJSON(eccARN, "ECC_NIST_P384", "SIGN_VERIFY", "PendingImport", ""))
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", ""))
	f.on("ImportKeyMaterial", 200, `{"KeyId":"`+hmacARN+`"}`)
	f.on("ImportKeyMaterial", 200, `{"KeyId":"`+eccARN+`"}`)
	f.on("ImportKeyMaterial", 200, `{"KeyId":"`+symARN+`","KeyMaterialId":"`+matID+`"}`)

	validTo := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	hm := shapeEntry(hmacARN, "HMAC_256", string(kmsrules.RSAESOAEPSHA256))
	ec := shapeEntry(eccARN, "ECC_NIST_P384", string(kmsrules.RSAAESKeyWrapSHA256))
	ec.ExpirationModel, ec.ValidTo = kmsrules.ExpiresModel, &validTo
	sym := shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
	sym.ImportType, sym.KeyMaterialDescription = "NEW_KEY_MATERIAL", "rotation 2027-06"
	pl := &bundle.ImportPayload{Entries: []bundle.ImportEntry{hm, ec, sym}}

	rc, err := kmsimport.Submit(context.Background(), api, kmsimport.SubmitRequest{Payload: pl})
	require.NoError(t, err, "Submit")
	// NEW_KEY_MATERIAL into an Enabled key is a rotation import, not a repeat.
	got := outcomes(rc)
	require.Equal(t, []string{"imported", "imported", "imported"}, got, "outcomes %v", got)
	require.Equal(t, matID, rc.Entries[2].KeyMaterialID, "receipt entry %+v", rc.Entries[2])
	require.Equal(t, "req-ImportKeyMaterial", rc.Entries[2].RequestID, "receipt entry %+v", rc.Entries[2])
	reqs := f.bodies("ImportKeyMaterial")
	want := []map[string]any{
		{"KeyId": hmacARN, "ImportToken": b64("token-" + hmacARN), "EncryptedKeyMaterial": b64("wrapped-" + hmacARN), "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"},
		{"KeyId": eccARN, "ImportToken": b64("token-" + eccARN), "EncryptedKeyMaterial": b64("wrapped-" + eccARN), "ExpirationModel": "KEY_MATERIAL_EXPIRES", "ValidTo": float64(validTo.Unix())},
		{"KeyId": symARN, "ImportToken": b64("token-" + symARN), "EncryptedKeyMaterial": b64("wrapped-" + symARN), "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "ImportType": "NEW_KEY_MATERIAL", "KeyMaterialDescription": "rotation 2027-06"},
	}
	require.Len(t, reqs, 3, "%d requests", len(reqs))
	for i := range want {
		assert.Equal(t, fmt.Sprint(want[i]), fmt.Sprint(reqs[i]), "request %d:\n got %v\nwant %v", i, reqs[i], want[i])
	}
}

func TestShapeExpiredImportToken(t *testing.T) {
	f := newFake(t)
	api := f.client(t)
	expired := `{"__type":"ExpiredImportTokenException","message":"The import token has expired"}`
	f.on("ImportKeyMaterial", 400, expired)

	// Enabled key (the token expired between the local check and the call):
	// KMS checked nothing, so this is a failure like any other, and the key's
	// existing material is not this bundle's in the receipt.
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", `,"CurrentKeyMaterialId":"`+matID+`"`))
	pl := &bundle.ImportPayload{Entries: []bundle.ImportEntry{shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))}}
	rc, err := kmsimport.Submit(context.Background(), api, kmsimport.SubmitRequest{Payload: pl})
	require.ErrorIs(t, err, kmsimport.ErrExpiredImportToken, "Enabled key, expired token: %+v, %v", rc.Entries[0], err)
	require.Equal(t, kmsimport.OutcomeFailed, rc.Entries[0].Outcome, "Enabled key, expired token: %+v, %v", rc.Entries[0], err)
	require.Equal(t, "", rc.Entries[0].KeyMaterialID, "Enabled key, expired token: %+v, %v", rc.Entries[0], err)
	b, _ := kmsimport.MarshalReceipt(rc)
	require.NotContains(t, string(b), matID, "the key's existing KeyMaterialId is in the receipt:\n%s", b)
	_, ok := rc.Entry(symARN)
	require.False(t, ok, "the receipt counts the entry as a success")
	// The hints (cmd/airwrap-online TestHintTable): prepare again, and KMS checked nothing.
	require.ErrorIs(t, err, kmsimport.ErrExpiredImportToken, "not marked ErrEnabledUnchecked: %v", err)
	require.ErrorIs(t, err, kmsimport.ErrEnabledUnchecked, "not marked ErrEnabledUnchecked: %v", err)

	// PendingImport key: a failure, with what to do.
	f2 := newFake(t)
	f2.on("ImportKeyMaterial", 400, expired)
	f2.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "PendingImport", ""))
	rc, err = kmsimport.Submit(context.Background(), f2.client(t), kmsimport.SubmitRequest{Payload: pl})
	require.ErrorIs(t, err, kmsimport.ErrExpiredImportToken, "PendingImport key, expired token: %+v, %v", rc.Entries[0], err)
	require.Equal(t, kmsimport.OutcomeFailed, rc.Entries[0].Outcome, "PendingImport key, expired token: %+v, %v", rc.Entries[0], err)
	require.Equal(t, "req-ImportKeyMaterial", rc.Entries[0].RequestID, "PendingImport key, expired token: %+v, %v", rc.Entries[0], err)
	require.NotErrorIs(t, err, kmsimport.ErrEnabledUnchecked, "PendingImport key marked as Enabled: %v", err)
	require.NotErrorIs(t, err, kmsimport.ErrMaybeAttached, "PendingImport key marked as Enabled: %v", err)
}

// The transient-retry path: the first ImportKeyMaterial's answer is lost (5xx
// until retries run out), the key is now Enabled, and the confirming second
// send meets an expired token. KMS confirmed nothing: the entry fails, and
// the key's material is not recorded as this bundle's.
func TestShapeRetryMeetsExpiredToken(t *testing.T) {
	f := newFake(t)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "PendingImport", ""))
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", `,"CurrentKeyMaterialId":"`+matID+`"`))
	f.on("ImportKeyMaterial", 500, `{"__type":"KMSInternalException","message":"lost"}`)
	f.on("ImportKeyMaterial", 500, `{"__type":"KMSInternalException","message":"lost"}`)
	f.on("ImportKeyMaterial", 400, `{"__type":"ExpiredImportTokenException","message":"The import token has expired"}`)
	pl := &bundle.ImportPayload{Entries: []bundle.ImportEntry{shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))}}
	rc, err := kmsimport.Submit(context.Background(), f.client(t), kmsimport.SubmitRequest{Payload: pl})
	require.ErrorIs(t, err, kmsimport.ErrExpiredImportToken, "entry %+v, %v", rc.Entries[0], err)
	require.Equal(t, kmsimport.OutcomeFailed, rc.Entries[0].Outcome, "entry %+v, %v", rc.Entries[0], err)
	require.Equal(t, "", rc.Entries[0].KeyMaterialID, "entry %+v, %v", rc.Entries[0], err)
	require.Equal(t, "", rc.Entries[0].Note, "entry %+v, %v", rc.Entries[0], err)
	n := len(f.bodies("ImportKeyMaterial"))
	require.Equal(t, 3, n, "%d ImportKeyMaterial requests, want 3 (two attempts, one confirmation)", n)
	require.ErrorIs(t, err, kmsimport.ErrEnabledUnchecked, "not marked ErrEnabledUnchecked: %v", err)
}

func TestShapeRotationAlreadyAttached(t *testing.T) {
	f := newFake(t)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", ""))
	f.on("ImportKeyMaterial", 400, `{"__type":"IncorrectKeyMaterialException","message":"already attached"}`)
	e := shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
	e.ImportType = "NEW_KEY_MATERIAL"
	_, err := kmsimport.Submit(context.Background(), f.client(t), kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{e}}})
	require.ErrorIs(t, err, kmsimport.ErrIncorrectKeyMaterial, "error %v: want ErrIncorrectKeyMaterial marked ErrMaybeAttached", err)
	require.ErrorIs(t, err, kmsimport.ErrMaybeAttached, "error %v: want ErrIncorrectKeyMaterial marked ErrMaybeAttached", err)
}

func TestShapeGetParametersForImportKeyWrap(t *testing.T) {
	f := newFake(t)
	k, err := rsa.GenerateKey(rand.Reader, 3072)
	require.NoError(t, err)
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	rsaARN := "arn:aws:kms:us-east-1:111122223333:key/mrk-44444444444444448444444444444444"
	f.on("DescribeKey", 200, describeJSON(rsaARN, "RSA_4096", "SIGN_VERIFY", "PendingImport", `,"MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":"PRIMARY"}`))
	f.on("GetParametersForImport", 200, fmt.Sprintf(`{"KeyId":%q,"ImportToken":%q,"PublicKey":%q,"ParametersValidTo":%d}`,
		rsaARN, b64("tok"), base64.StdEncoding.EncodeToString(der), time.Now().Add(24*time.Hour).Unix()))
	p, err := kmsimport.Prepare(context.Background(), f.client(t), kmsimport.PrepareRequest{KeyIDs: []string{rsaARN}, WrappingKeySpec: "RSA_3072", Rate: 1000})
	require.NoError(t, err, "Prepare")
	got := f.bodies("GetParametersForImport")[0]
	require.Equal(t, fmt.Sprint(map[string]any{"KeyId": rsaARN, "WrappingAlgorithm": "RSA_AES_KEY_WRAP_SHA_256", "WrappingKeySpec": "RSA_3072"}), fmt.Sprint(got), "request %v", got)
	e := p.Entries[0]
	require.Equal(t, string(kmsrules.RSAAESKeyWrapSHA256), e.WrappingAlgorithm, "entry %+v", e)
	require.True(t, e.MultiRegion, "entry %+v", e)
	require.Equal(t, "PRIMARY", e.MultiRegionRole, "entry %+v", e)
	require.Equal(t, "us-east-1", e.Region, "entry %+v", e)
	require.Equal(t, "tok", string(e.ImportToken), "entry %+v", e)
	// A public key of the wrong size is refused.
	_, err = kmsimport.Prepare(context.Background(), f.client(t), kmsimport.PrepareRequest{KeyIDs: []string{rsaARN}, WrappingKeySpec: "RSA_4096", Rate: 1000})
	require.ErrorIs(t, err, kmsrules.ErrWrappingKey, "error %v, want ErrWrappingKey", err)
}

func TestShapeListKeyRotations(t *testing.T) {
	f := newFake(t)
	now := time.Now()
	soon, later := now.Add(10*24*time.Hour+time.Hour), now.Add(200*24*time.Hour+time.Hour)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", fmt.Sprintf(`,"ExpirationModel":"KEY_MATERIAL_EXPIRES","ValidTo":%d,"CurrentKeyMaterialId":%q`, later.Unix(), matID)))
	f.on("ListKeyRotations", 200, fmt.Sprintf(`{"Rotations":[
		{"KeyId":%q,"KeyMaterialId":%q,"KeyMaterialState":"NON_CURRENT","ImportState":"IMPORTED","ExpirationModel":"KEY_MATERIAL_EXPIRES","ValidTo":%d,"KeyMaterialDescription":"2026"},
		{"KeyId":%q,"KeyMaterialId":%q,"KeyMaterialState":"CURRENT","ImportState":"IMPORTED","ExpirationModel":"KEY_MATERIAL_EXPIRES","ValidTo":%d,"RotationDate":%d,"RotationType":"ON_DEMAND"}],
		"Truncated":true,"NextMarker":"m1"}`, symARN, matID2, soon.Unix(), symARN, matID, later.Unix(), now.Unix()))
	f.on("ListKeyRotations", 200, `{"Rotations":[],"Truncated":false}`)
	st, err := kmsimport.Status(context.Background(), f.client(t), []string{symARN}, now)
	require.NoError(t, err, "Status")
	reqs := f.bodies("ListKeyRotations")
	require.Len(t, reqs, 2, "requests %v", reqs)
	require.Equal(t, "ALL_KEY_MATERIAL", reqs[0]["IncludeKeyMaterial"], "requests %v", reqs)
	require.Equal(t, "m1", reqs[1]["Marker"], "requests %v", reqs)
	m := st[0].Materials
	require.Len(t, m, 2, "materials %+v", m)
	require.Equal(t, matID2, m[0].KeyMaterialID, "materials %+v", m)
	require.Equal(t, "NON_CURRENT", m[0].State, "materials %+v", m)
	require.Equal(t, 10, *m[0].DaysLeft, "materials %+v", m)
	require.Equal(t, 200, *m[1].DaysLeft, "materials %+v", m)
	require.Equal(t, "2026", m[0].Description, "materials %+v", m)
	got := kmsimport.ExpiringWithin(st, 30, now)
	require.Len(t, got, 1, "expiring within 30 days: %+v", got)
	require.Equal(t, matID2, got[0].KeyMaterialID, "expiring within 30 days: %+v", got)
	got = kmsimport.ExpiringWithin(st, 5, now)
	require.Empty(t, got, "expiring within 5 days: %+v", got)
}

func TestShapeVerifyImportAsymmetricAndHMAC(t *testing.T) {
	f := newFake(t)
	spki := []byte("spki-der-of-the-hsm-key")
	challenge, mac := []byte("challenge-32-bytes-from-the-hsm!"), []byte("mac-from-the-hsm")
	f.on("GetPublicKey", 200, fmt.Sprintf(`{"KeyId":%q,"PublicKey":%q,"KeySpec":"ECC_NIST_P384"}`, eccARN, base64.StdEncoding.EncodeToString(spki)))
	f.on("GetPublicKey", 200, fmt.Sprintf(`{"KeyId":%q,"PublicKey":%q}`, eccARN, b64("another key")))
	f.on("GenerateMac", 200, fmt.Sprintf(`{"KeyId":%q,"Mac":%q,"MacAlgorithm":"HMAC_SHA_256"}`, hmacARN, base64.StdEncoding.EncodeToString(mac)))
	f.on("GenerateMac", 200, fmt.Sprintf(`{"KeyId":%q,"Mac":%q,"MacAlgorithm":"HMAC_SHA_256"}`, hmacARN, b64("other mac")))
	ec := shapeEntry(eccARN, "ECC_NIST_P384", string(kmsrules.RSAAESKeyWrapSHA256))
	ec.Proof.PublicKey = spki
	hm := shapeEntry(hmacARN, "HMAC_256", string(kmsrules.RSAESOAEPSHA256))
	hm.Proof = bundle.Proof{MACAlgorithm: "HMAC_SHA_256", Challenge: challenge, MAC: mac}
	pl := &bundle.ImportPayload{Entries: []bundle.ImportEntry{ec, hm}}
	api := f.client(t)

	res, err := kmsimport.VerifyImport(context.Background(), api, pl, nil, rand.Reader)
	require.NoError(t, err, "VerifyImport: %+v, %v", res, err)
	require.True(t, res[0].Proven, "VerifyImport: %+v, %v", res, err)
	require.True(t, res[1].Proven, "VerifyImport: %+v, %v", res, err)
	require.Equal(t, kmsimport.ProofPublicKey, res[0].Method, "VerifyImport: %+v, %v", res, err)
	require.Equal(t, kmsimport.ProofMAC, res[1].Method, "VerifyImport: %+v, %v", res, err)
	gm := f.bodies("GenerateMac")[0]
	require.Equal(t, fmt.Sprint(map[string]any{"KeyId": hmacARN, "MacAlgorithm": "HMAC_SHA_256", "Message": base64.StdEncoding.EncodeToString(challenge)}), fmt.Sprint(gm), "GenerateMac request %v", gm)
	// Second answers differ from the HSM's: both entries fail, reported together.
	res, err = kmsimport.VerifyImport(context.Background(), api, pl, nil, rand.Reader)
	require.ErrorIs(t, err, kmsimport.ErrProofMismatch, "mismatch: %+v, %v", res, err)
	require.False(t, res[0].Proven, "mismatch: %+v, %v", res, err)
	require.False(t, res[1].Proven, "mismatch: %+v, %v", res, err)
	require.Contains(t, err.Error(), "entries[1]", "mismatch: %+v, %v", res, err)
}

func TestShapeVerifyImportKeyMaterialID(t *testing.T) {
	f := newFake(t)
	f.on("Encrypt", 200, `{"CiphertextBlob":"`+b64("ct")+`","KeyId":"`+symARN+`"}`)
	f.on("Decrypt", 200, `{"Plaintext":"`+base64.StdEncoding.EncodeToString(make([]byte, 32))+`","KeyId":"`+symARN+`"}`)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", `,"CurrentKeyMaterialId":"`+matID+`"`))
	f.on("ListKeyRotations", 200, `{"Rotations":[],"Truncated":false}`)
	pl := &bundle.ImportPayload{Entries: []bundle.ImportEntry{shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))}}
	zero := strings.NewReader(string(make([]byte, 64))) // the fake decrypts to zeros
	rc := &kmsimport.Receipt{Entries: []kmsimport.ReceiptEntry{{KeyARN: symARN, Outcome: "imported", KeyMaterialID: matID}}}
	res, err := kmsimport.VerifyImport(context.Background(), f.client(t), pl, rc, zero)
	require.NoError(t, err, "match: %+v, %v", res, err)
	require.True(t, res[0].Proven, "match: %+v, %v", res, err)
	require.Equal(t, kmsimport.VerdictProven, res[0].Verdict, "match: %+v, %v", res, err)
	require.Equal(t, kmsimport.ProofKeyMaterialID, res[0].Method, "match: %+v, %v", res, err)
	require.NotNil(t, res[0].KeyMaterialIDMatch, "match: %+v, %v", res, err)
	require.True(t, *res[0].KeyMaterialIDMatch, "match: %+v, %v", res, err)
	// A round trip alone shows usable material, not this bundle's: without a
	// receipt, or with one that holds no KeyMaterialId, nothing is proven.
	for name, rc := range map[string]*kmsimport.Receipt{
		"no receipt": nil,
		"no id":      {Entries: []kmsimport.ReceiptEntry{{KeyARN: symARN, Outcome: "imported"}}},
		"failed":     {Entries: []kmsimport.ReceiptEntry{{KeyARN: symARN, Outcome: "failed", KeyMaterialID: matID}}},
	} {
		res, err := kmsimport.VerifyImport(context.Background(), f.client(t), pl, rc, strings.NewReader(string(make([]byte, 64))))
		require.NoError(t, err, "%s: %+v, %v", name, res, err)
		require.False(t, res[0].Proven, "%s: %+v, %v", name, res, err)
		require.Equal(t, kmsimport.VerdictUsable, res[0].Verdict, "%s: %+v, %v", name, res, err)
		require.Equal(t, kmsimport.ProofRoundTrip, res[0].Method, "%s: %+v, %v", name, res, err)
		require.Contains(t, res[0].Detail, "KMS holds usable key material", "%s: %+v, %v", name, res, err)
		require.Contains(t, res[0].Detail, "what would prove it: the KeyMaterialId that ImportKeyMaterial returned", "%s: %+v, %v", name, res, err)
	}
	rc.Entries[0].KeyMaterialID = matID2
	res, err = kmsimport.VerifyImport(context.Background(), f.client(t), pl, rc, strings.NewReader(string(make([]byte, 64))))
	require.ErrorIs(t, err, kmsimport.ErrProofMismatch, "mismatch: %+v, %v", res, err)
	require.False(t, res[0].Proven, "mismatch: %+v, %v", res, err)
	require.Equal(t, kmsimport.VerdictFailed, res[0].Verdict, "mismatch: %+v, %v", res, err)
}

// DependencyTimeoutException and KMSInternalException are retried like
// throttling; once retries run out the error says what to do.
func TestShapeRetryableKMSErrors(t *testing.T) {
	f := newFake(t)
	f.on("DescribeKey", 400, `{"__type":"DependencyTimeoutException","message":"timed out"}`)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "PendingImport", ""))
	_, err := kmsimport.Status(context.Background(), f.client(t), []string{symARN}, time.Now())
	require.NoError(t, err, "after one DependencyTimeoutException")
	n := len(f.bodies("DescribeKey"))
	require.Equal(t, 2, n, "%d DescribeKey requests, want 2", n)

	f2 := newFake(t)
	f2.on("DescribeKey", 400, `{"__type":"KMSInternalException","message":"internal"}`)
	_, err = kmsimport.Status(context.Background(), f2.client(t), []string{symARN}, time.Now())
	require.ErrorIs(t, err, kmsimport.ErrTransient, "after retries ran out: %v", err)
	n = len(f2.bodies("DescribeKey"))
	require.Equal(t, 2, n, "%d DescribeKey requests, want 2 (MaxAttempts)", n)
}

// Errors any call can return, in operator terms.
func TestShapeCommonErrors(t *testing.T) {
	for _, c := range []struct {
		code string
		want error
	}{
		{"NotFoundException", kmsimport.ErrNotFound},
		{"KMSInvalidStateException", kmsimport.ErrKeyState},
		{"DisabledException", kmsimport.ErrKeyState},
		{"UnsupportedOperationException", kmsimport.ErrUnsupported},
	} {
		f := newFake(t)
		f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "PendingImport", ""))
		f.on("ImportKeyMaterial", 400, `{"__type":"`+c.code+`","message":"m"}`)
		e := shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
		_, err := kmsimport.Submit(context.Background(), f.client(t), kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{e}}})
		assert.ErrorIs(t, err, c.want, "%s: %v, want %v", c.code, err, c.want)
		// ErrKeyState names the key, for the hint to say what to check.
		var ks *kmsimport.KeyStateError
		if c.want == kmsimport.ErrKeyState && assert.ErrorAs(t, err, &ks, "%s: no KeyStateError for %s in %v", c.code, symARN, err) {
			assert.Equal(t, symARN, ks.ARN, "%s: no KeyStateError for %s in %v", c.code, symARN, err)
		}
	}
}
