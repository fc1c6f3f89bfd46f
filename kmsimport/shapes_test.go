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
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
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
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	// NEW_KEY_MATERIAL into an Enabled key is a rotation import, not a repeat.
	if got := outcomes(rc); !slices.Equal(got, []string{"imported", "imported", "imported"}) {
		t.Fatalf("outcomes %v", got)
	}
	if rc.Entries[2].KeyMaterialID != matID || rc.Entries[2].RequestID != "req-ImportKeyMaterial" {
		t.Fatalf("receipt entry %+v", rc.Entries[2])
	}
	reqs := f.bodies("ImportKeyMaterial")
	want := []map[string]any{
		{"KeyId": hmacARN, "ImportToken": b64("token-" + hmacARN), "EncryptedKeyMaterial": b64("wrapped-" + hmacARN), "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"},
		{"KeyId": eccARN, "ImportToken": b64("token-" + eccARN), "EncryptedKeyMaterial": b64("wrapped-" + eccARN), "ExpirationModel": "KEY_MATERIAL_EXPIRES", "ValidTo": float64(validTo.Unix())},
		{"KeyId": symARN, "ImportToken": b64("token-" + symARN), "EncryptedKeyMaterial": b64("wrapped-" + symARN), "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "ImportType": "NEW_KEY_MATERIAL", "KeyMaterialDescription": "rotation 2027-06"},
	}
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i := range want {
		if fmt.Sprint(reqs[i]) != fmt.Sprint(want[i]) {
			t.Errorf("request %d:\n got %v\nwant %v", i, reqs[i], want[i])
		}
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
	if !errors.Is(err, kmsimport.ErrExpiredImportToken) || rc.Entries[0].Outcome != kmsimport.OutcomeFailed || rc.Entries[0].KeyMaterialID != "" {
		t.Fatalf("Enabled key, expired token: %+v, %v", rc.Entries[0], err)
	}
	if b, _ := kmsimport.MarshalReceipt(rc); strings.Contains(string(b), matID) {
		t.Fatalf("the key's existing KeyMaterialId is in the receipt:\n%s", b)
	}
	if _, ok := rc.Entry(symARN); ok {
		t.Fatalf("the receipt counts the entry as a success")
	}
	// The hints (cmd/airwrap-online TestHintTable): prepare again, and KMS checked nothing.
	if !errors.Is(err, kmsimport.ErrExpiredImportToken) || !errors.Is(err, kmsimport.ErrEnabledUnchecked) {
		t.Fatalf("not marked ErrEnabledUnchecked: %v", err)
	}

	// PendingImport key: a failure, with what to do.
	f2 := newFake(t)
	f2.on("ImportKeyMaterial", 400, expired)
	f2.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "PendingImport", ""))
	rc, err = kmsimport.Submit(context.Background(), f2.client(t), kmsimport.SubmitRequest{Payload: pl})
	if !errors.Is(err, kmsimport.ErrExpiredImportToken) || rc.Entries[0].Outcome != kmsimport.OutcomeFailed || rc.Entries[0].RequestID != "req-ImportKeyMaterial" {
		t.Fatalf("PendingImport key, expired token: %+v, %v", rc.Entries[0], err)
	}
	if errors.Is(err, kmsimport.ErrEnabledUnchecked) || errors.Is(err, kmsimport.ErrMaybeAttached) {
		t.Fatalf("PendingImport key marked as Enabled: %v", err)
	}
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
	if !errors.Is(err, kmsimport.ErrExpiredImportToken) || rc.Entries[0].Outcome != kmsimport.OutcomeFailed || rc.Entries[0].KeyMaterialID != "" || rc.Entries[0].Note != "" {
		t.Fatalf("entry %+v, %v", rc.Entries[0], err)
	}
	if n := len(f.bodies("ImportKeyMaterial")); n != 3 {
		t.Fatalf("%d ImportKeyMaterial requests, want 3 (two attempts, one confirmation)", n)
	}
	if !errors.Is(err, kmsimport.ErrEnabledUnchecked) {
		t.Fatalf("not marked ErrEnabledUnchecked: %v", err)
	}
}

func TestShapeRotationAlreadyAttached(t *testing.T) {
	f := newFake(t)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", ""))
	f.on("ImportKeyMaterial", 400, `{"__type":"IncorrectKeyMaterialException","message":"already attached"}`)
	e := shapeEntry(symARN, "SYMMETRIC_DEFAULT", string(kmsrules.RSAESOAEPSHA256))
	e.ImportType = "NEW_KEY_MATERIAL"
	_, err := kmsimport.Submit(context.Background(), f.client(t), kmsimport.SubmitRequest{Payload: &bundle.ImportPayload{Entries: []bundle.ImportEntry{e}}})
	if !errors.Is(err, kmsimport.ErrIncorrectKeyMaterial) || !errors.Is(err, kmsimport.ErrMaybeAttached) {
		t.Fatalf("error %v: want ErrIncorrectKeyMaterial marked ErrMaybeAttached", err)
	}
}

func TestShapeGetParametersForImportKeyWrap(t *testing.T) {
	f := newFake(t)
	k, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	rsaARN := "arn:aws:kms:us-east-1:111122223333:key/mrk-44444444444444448444444444444444"
	f.on("DescribeKey", 200, describeJSON(rsaARN, "RSA_4096", "SIGN_VERIFY", "PendingImport", `,"MultiRegion":true,"MultiRegionConfiguration":{"MultiRegionKeyType":"PRIMARY"}`))
	f.on("GetParametersForImport", 200, fmt.Sprintf(`{"KeyId":%q,"ImportToken":%q,"PublicKey":%q,"ParametersValidTo":%d}`,
		rsaARN, b64("tok"), base64.StdEncoding.EncodeToString(der), time.Now().Add(24*time.Hour).Unix()))
	p, err := kmsimport.Prepare(context.Background(), f.client(t), kmsimport.PrepareRequest{KeyIDs: []string{rsaARN}, WrappingKeySpec: "RSA_3072", Rate: 1000})
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	got := f.bodies("GetParametersForImport")[0]
	if fmt.Sprint(got) != fmt.Sprint(map[string]any{"KeyId": rsaARN, "WrappingAlgorithm": "RSA_AES_KEY_WRAP_SHA_256", "WrappingKeySpec": "RSA_3072"}) {
		t.Fatalf("request %v", got)
	}
	e := p.Entries[0]
	if e.WrappingAlgorithm != string(kmsrules.RSAAESKeyWrapSHA256) || !e.MultiRegion || e.MultiRegionRole != "PRIMARY" || e.Region != "us-east-1" || string(e.ImportToken) != "tok" {
		t.Fatalf("entry %+v", e)
	}
	// A public key of the wrong size is refused.
	_, err = kmsimport.Prepare(context.Background(), f.client(t), kmsimport.PrepareRequest{KeyIDs: []string{rsaARN}, WrappingKeySpec: "RSA_4096", Rate: 1000})
	if !errors.Is(err, kmsrules.ErrWrappingKey) {
		t.Fatalf("error %v, want ErrWrappingKey", err)
	}
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
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	reqs := f.bodies("ListKeyRotations")
	if len(reqs) != 2 || reqs[0]["IncludeKeyMaterial"] != "ALL_KEY_MATERIAL" || reqs[1]["Marker"] != "m1" {
		t.Fatalf("requests %v", reqs)
	}
	m := st[0].Materials
	if len(m) != 2 || m[0].KeyMaterialID != matID2 || m[0].State != "NON_CURRENT" || *m[0].DaysLeft != 10 || *m[1].DaysLeft != 200 || m[0].Description != "2026" {
		t.Fatalf("materials %+v", m)
	}
	if got := kmsimport.ExpiringWithin(st, 30, now); len(got) != 1 || got[0].KeyMaterialID != matID2 {
		t.Fatalf("expiring within 30 days: %+v", got)
	}
	if got := kmsimport.ExpiringWithin(st, 5, now); len(got) != 0 {
		t.Fatalf("expiring within 5 days: %+v", got)
	}
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
	if err != nil || !res[0].Proven || !res[1].Proven || res[0].Method != kmsimport.ProofPublicKey || res[1].Method != kmsimport.ProofMAC {
		t.Fatalf("VerifyImport: %+v, %v", res, err)
	}
	gm := f.bodies("GenerateMac")[0]
	if fmt.Sprint(gm) != fmt.Sprint(map[string]any{"KeyId": hmacARN, "MacAlgorithm": "HMAC_SHA_256", "Message": base64.StdEncoding.EncodeToString(challenge)}) {
		t.Fatalf("GenerateMac request %v", gm)
	}
	// Second answers differ from the HSM's: both entries fail, reported together.
	res, err = kmsimport.VerifyImport(context.Background(), api, pl, nil, rand.Reader)
	if !errors.Is(err, kmsimport.ErrProofMismatch) || res[0].Proven || res[1].Proven || !strings.Contains(err.Error(), "entries[1]") {
		t.Fatalf("mismatch: %+v, %v", res, err)
	}
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
	if err != nil || !res[0].Proven || res[0].Verdict != kmsimport.VerdictProven || res[0].Method != kmsimport.ProofKeyMaterialID || res[0].KeyMaterialIDMatch == nil || !*res[0].KeyMaterialIDMatch {
		t.Fatalf("match: %+v, %v", res, err)
	}
	// A round trip alone shows usable material, not this bundle's: without a
	// receipt, or with one that holds no KeyMaterialId, nothing is proven.
	for name, rc := range map[string]*kmsimport.Receipt{
		"no receipt": nil,
		"no id":      {Entries: []kmsimport.ReceiptEntry{{KeyARN: symARN, Outcome: "imported"}}},
		"failed":     {Entries: []kmsimport.ReceiptEntry{{KeyARN: symARN, Outcome: "failed", KeyMaterialID: matID}}},
	} {
		res, err := kmsimport.VerifyImport(context.Background(), f.client(t), pl, rc, strings.NewReader(string(make([]byte, 64))))
		if err != nil || res[0].Proven || res[0].Verdict != kmsimport.VerdictUsable || res[0].Method != kmsimport.ProofRoundTrip ||
			!strings.Contains(res[0].Detail, "KMS holds usable key material") || !strings.Contains(res[0].Detail, "what would prove it: the KeyMaterialId that ImportKeyMaterial returned") {
			t.Fatalf("%s: %+v, %v", name, res, err)
		}
	}
	rc.Entries[0].KeyMaterialID = matID2
	res, err = kmsimport.VerifyImport(context.Background(), f.client(t), pl, rc, strings.NewReader(string(make([]byte, 64))))
	if !errors.Is(err, kmsimport.ErrProofMismatch) || res[0].Proven || res[0].Verdict != kmsimport.VerdictFailed {
		t.Fatalf("mismatch: %+v, %v", res, err)
	}
}

// DependencyTimeoutException and KMSInternalException are retried like
// throttling; once retries run out the error says what to do.
func TestShapeRetryableKMSErrors(t *testing.T) {
	f := newFake(t)
	f.on("DescribeKey", 400, `{"__type":"DependencyTimeoutException","message":"timed out"}`)
	f.on("DescribeKey", 200, describeJSON(symARN, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "PendingImport", ""))
	if _, err := kmsimport.Status(context.Background(), f.client(t), []string{symARN}, time.Now()); err != nil {
		t.Fatalf("after one DependencyTimeoutException: %v", err)
	}
	if n := len(f.bodies("DescribeKey")); n != 2 {
		t.Fatalf("%d DescribeKey requests, want 2", n)
	}

	f2 := newFake(t)
	f2.on("DescribeKey", 400, `{"__type":"KMSInternalException","message":"internal"}`)
	_, err := kmsimport.Status(context.Background(), f2.client(t), []string{symARN}, time.Now())
	if !errors.Is(err, kmsimport.ErrTransient) {
		t.Fatalf("after retries ran out: %v", err)
	}
	if n := len(f2.bodies("DescribeKey")); n != 2 {
		t.Fatalf("%d DescribeKey requests, want 2 (MaxAttempts)", n)
	}
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
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.code, err, c.want)
		}
		// ErrKeyState names the key, for the hint to say what to check.
		var ks *kmsimport.KeyStateError
		if c.want == kmsimport.ErrKeyState && (!errors.As(err, &ks) || ks.ARN != symARN) {
			t.Errorf("%s: no KeyStateError for %s in %v", c.code, symARN, err)
		}
	}
}
