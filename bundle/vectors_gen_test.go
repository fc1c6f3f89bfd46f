package bundle

import (
	"crypto"
	"crypto/x509"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

// go test ./bundle -run TestGenerateVectors -update rewrites testdata from
// the table below. The expected error of each invalid vector is written by
// hand here, never copied from the parser's output.
var update = flag.Bool("update", false, "regenerate bundle/testdata vectors")

type vector struct {
	path string // under testdata
	data []byte
	err  string // exact expected error text; "" for a valid vector
}

var (
	t0       = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	validTo  = time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	arnSym   = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	arnHMAC  = "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
	arnEC    = "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09ab-87cd-65ef-0987654321ba"
	tokenSym = detBytes("import token sym", 160)
	// A multi-Region symmetric key: its primary and a replica (same key id).
	arnMRKPrimary = "arn:aws:kms:eu-west-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	arnMRKReplica = "arn:aws:kms:us-east-1:111122223333:key/mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	// materialID has a KeyMaterialId's form (64 lowercase hex).
	materialID = "9b1c1a0d6f3e4b2a8c7d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819203"
)

func paramsOne(t testing.TB) *Params {
	return &Params{Type: ParamsType, CreatedAt: t0, ToolVersion: "airwrap-online 0.1.0", Entries: []ParamsEntry{{
		KeyARN: arnSym, Account: "111122223333", Region: "eu-west-1",
		KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT",
		WrappingAlgorithm: "RSAES_OAEP_SHA_1", WrappingKeySpec: "RSA_2048",
		PublicKey: keys.WrappingDER(t, 2048), ImportToken: tokenSym,
		ParametersValidTo: t0.Add(24 * time.Hour),
	}}}
}

func paramsMulti(t testing.TB) *Params {
	p := paramsOne(t)
	w4096 := keys.WrappingDER(t, 4096)
	p.Entries = append(p.Entries, ParamsEntry{
		KeyARN: arnHMAC, Account: "111122223333", Region: "eu-west-1",
		KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC", MultiRegion: true, MultiRegionRole: RolePrimary,
		WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_4096",
		PublicKey: w4096, ImportToken: detBytes("import token hmac", 700),
		ParametersValidTo: t0.Add(24*time.Hour + time.Second),
	}, ParamsEntry{
		KeyARN: arnEC, Account: "111122223333", Region: "eu-west-1",
		KeySpec: "ECC_NIST_P384", KeyUsage: "SIGN_VERIFY",
		WrappingAlgorithm: "RSA_AES_KEY_WRAP_SHA_256", WrappingKeySpec: "RSA_4096",
		PublicKey: w4096, ImportToken: detBytes("import token ec", 700),
		ParametersValidTo: t0.Add(24*time.Hour + 2*time.Second),
	})
	return p
}

// paramsMultiRegion: a multi-Region key's primary and one replica, each
// with its own wrapping key and import token (each Region its own).
func paramsMultiRegion(t testing.TB) *Params {
	p := &Params{Type: ParamsType, CreatedAt: t0, ToolVersion: "airwrap-online 0.1.0"}
	for i, r := range []struct{ arn, region, role string }{{arnMRKPrimary, "eu-west-1", RolePrimary}, {arnMRKReplica, "us-east-1", RoleReplica}} {
		p.Entries = append(p.Entries, ParamsEntry{
			KeyARN: r.arn, Account: "111122223333", Region: r.region,
			KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT", MultiRegion: true, MultiRegionRole: r.role,
			WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048",
			PublicKey: keys.WrappingDER(t, 2048), ImportToken: detBytes("import token "+r.region, 160),
			ParametersValidTo: t0.Add(24*time.Hour + time.Duration(i)*time.Second),
		})
	}
	return p
}

// payloadMultiRegionRotation: new material for the primary, the same HSM
// key as EXISTING_KEY_MATERIAL into the replica with the KeyMaterialId the
// primary's import returns (key_material_id_from).
func payloadMultiRegionRotation(t testing.TB) *ImportPayload {
	params := paramsMultiRegion(t)
	raw, err := MarshalParams(params)
	require.NoError(t, err)
	p := payloadFor(t, paramsOne(t))
	p.ParamsSHA256 = SHA256Hex(raw)
	p.Entries = nil
	for _, pe := range params.Entries {
		e := importEntryFor(pe, 256)
		e.ExpirationModel = ModelExpires
		e.ValidTo = &validTo
		e.KeyMaterialDescription = "rotation 2027"
		e.HSMKey = HSMKeyRef{Label: "payments-2027", ID: "04", CheckValue: "d4e5f6", CheckMethod: CheckMethodAESKCV}
		e.ImportType = ImportNew
		if pe.MultiRegionRole == RoleReplica {
			e.ImportType = ImportExisting
			e.KeyMaterialIDFrom = arnMRKPrimary
		}
		p.Entries = append(p.Entries, e)
	}
	return p
}

func importEntryFor(e ParamsEntry, encLen int) ImportEntry {
	return ImportEntry{
		KeyARN: e.KeyARN, KeySpec: e.KeySpec, WrappingAlgorithm: e.WrappingAlgorithm,
		WrappingKeySpec: e.WrappingKeySpec, WrappingPublicKeySHA256: SHA256Hex(e.PublicKey),
		ImportToken: e.ImportToken, EncryptedKeyMaterial: detBytes("wrapped "+e.KeyARN, encLen),
		ParametersValidTo: e.ParametersValidTo,
	}
}

func payloadFor(t testing.TB, params *Params) *ImportPayload {
	raw, err := MarshalParams(params)
	require.NoError(t, err)
	p := &ImportPayload{
		Type: ImportType, ParamsSHA256: SHA256Hex(raw), ParamsFormat: ParamsType,
		Token:       TokenIdentity{Manufacturer: "SoftHSM project", Model: "SoftHSM v2", Serial: "6a3b1c2d4e5f6071", Label: "airwrap-test"},
		ToolVersion: "airwrap 0.1.0", StartedAt: t0.Add(time.Hour), CreatedAt: t0.Add(time.Hour + 5250*time.Millisecond),
		Operators: []string{"A. Officer", "B. Witness <b@example.com>"}, TranscriptSHA256: SHA256Hex([]byte("transcript line")),
	}
	sym := importEntryFor(params.Entries[0], 256)
	sym.ExpirationModel = ModelExpires
	sym.ValidTo = &validTo
	sym.ImportType = ImportNew
	sym.KeyMaterialDescription = "payments 2026"
	sym.HSMKey = HSMKeyRef{Label: "payments-2026", ID: "01a2", CheckValue: "a1b2c3", CheckMethod: CheckMethodAESKCV}
	p.Entries = append(p.Entries, sym)
	if len(params.Entries) == 1 {
		return p
	}
	hm := importEntryFor(params.Entries[1], 512)
	hm.ExpirationModel = ModelExpires
	hm.ValidTo = &validTo
	hm.HSMKey = HSMKeyRef{Label: "mac-2026", ID: "02", CheckValue: "0011223344556677", CheckMethod: CheckMethodHMAC}
	hm.Proof = Proof{MACAlgorithm: "HMAC_SHA_256", Challenge: detBytes("challenge", 32), MAC: detBytes("mac", 32)}
	ecPub, err := x509.MarshalPKIXPublicKey(keys.Signer(t, "test-signer-p384").Public())
	require.NoError(t, err)
	ec := importEntryFor(params.Entries[2], 512+192+8)
	ec.ExpirationModel = ModelDoesNotExpire
	ec.HSMKey = HSMKeyRef{Label: "sign-2026", ID: "03", CheckValue: SHA256Hex(ecPub), CheckMethod: CheckMethodSPKISHA256}
	ec.Proof = Proof{PublicKey: ecPub}
	p.Entries = append(p.Entries, hm, ec)
	return p
}

func mustMarshal(t *testing.T, f func() ([]byte, error)) []byte {
	t.Helper()
	b, err := f()
	require.NoError(t, err)
	return b
}

// edit replaces the first old with new in s, failing if old is absent.
func edit(t *testing.T, s []byte, old, new string) []byte {
	t.Helper()
	require.Contains(t, string(s), old, "edit: %q not found", old)
	return []byte(strings.Replace(string(s), old, new, 1))
}

func signEnv(t *testing.T, payload []byte, names ...string) []byte {
	var signers []crypto.Signer
	for _, n := range names {
		signers = append(signers, keys.Signer(t, n))
	}
	env, err := SignEnvelope(ImportPayloadType, payload, signers...)
	require.NoError(t, err)
	return mustMarshal(t, func() ([]byte, error) { return MarshalEnvelope(env) })
}

func TestGenerateVectors(t *testing.T) {
	if !*update {
		t.Skip("vector generator: run with -update")
	}
	ensureKeys(t)
	var vs []vector
	vs = append(vs, paramsVectors(t)...)
	vs = append(vs, awscliVectors(t)...)
	vs = append(vs, payloadVectors(t)...)
	vs = append(vs, envelopeVectors(t)...)
	vs = append(vs, signedParamsVectors(t)...)
	vs = append(vs, hostileVectors(t)...)
	vs = append(vs, base64Vectors(t)...)
	for _, dir := range []string{"params", "awscli", "payload", "envelope", "signedparams"} {
		err := os.RemoveAll(filepath.Join("testdata", dir))
		require.NoError(t, err)
	}
	for _, v := range vs {
		writeFile(t, filepath.Join("testdata", v.path), v.data)
		if v.err != "" {
			writeFile(t, filepath.Join("testdata", strings.TrimSuffix(v.path, ".json")+".err"), []byte(v.err+"\n"))
		}
	}
}
