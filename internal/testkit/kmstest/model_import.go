package kmstest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"os/exec"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/oracle"
)

var wrappingKeySpecs = map[string]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}

// wrappingKey is one RSA wrapping key pair and its public half as
// GetParametersForImport returns it (DER SubjectPublicKeyInfo).
type wrappingKey struct {
	priv *rsa.PrivateKey
	der  []byte
}

var (
	wrapMu    sync.Mutex
	wrapCache = map[int]*wrappingKey{}
)

// cachedWrappingKey makes one wrapping key per size for the whole process
// (an RSA_4096 key takes seconds to make). KMS makes a new one per
// GetParametersForImport; the model tells its responses apart by the token
// alone (see importToken).
func cachedWrappingKey(bits int) (*wrappingKey, error) {
	wrapMu.Lock()
	defer wrapMu.Unlock()
	if k := wrapCache[bits]; k != nil {
		return k, nil
	}
	k, err := newWrappingKey(bits)
	if err != nil {
		return nil, err
	}
	wrapCache[bits] = k
	return k, nil
}

func newWrappingKey(bits int) (*wrappingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	return &wrappingKey{priv, der}, nil
}

// importToken is what an ImportToken stands for: one key (by ARN), one
// wrapping key and algorithm, and when it stops being valid.
type importToken struct {
	arn       string
	wrap      *wrappingKey
	algorithm string
	validTo   time.Time
}

type getParamsIn struct {
	KeyId             string
	WrappingAlgorithm string
	WrappingKeySpec   string
}

func (m *Model) getParametersForImport(in getParamsIn, region string, wrap *wrappingKey) (map[string]any, *kmsError) {
	k, err := m.lookupExternal(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	bits, ok := wrappingKeySpecs[in.WrappingKeySpec]
	if !ok || wrap == nil {
		return nil, errf("ValidationException", "WrappingKeySpec %q is not one of RSA_2048, RSA_3072, RSA_4096", in.WrappingKeySpec)
	}
	if !slices.Contains(specs[k.spec].wrapping, in.WrappingAlgorithm) {
		return nil, errf("ValidationException", "WrappingAlgorithm %q cannot wrap %s key material", in.WrappingAlgorithm, k.spec)
	}
	if k.spec == "ECC_NIST_P521" && bits == 2048 && slices.Contains(oaep, in.WrappingAlgorithm) {
		return nil, errf("ValidationException", "ECC_NIST_P521 key material does not fit RSA_2048 with %s", in.WrappingAlgorithm)
	}
	tok := make([]byte, 64)
	_, _ = rand.Read(tok)
	validTo := m.now().Add(24 * time.Hour)
	m.tokens[string(tok)] = &importToken{arn: k.arn, wrap: wrap, algorithm: in.WrappingAlgorithm, validTo: validTo}
	return map[string]any{"KeyId": k.arn, "ImportToken": tok, "PublicKey": wrap.der, "ParametersValidTo": stamp(validTo)}, nil
}

type importIn struct {
	KeyId                  string
	ImportToken            []byte
	EncryptedKeyMaterial   []byte
	ExpirationModel        string
	ValidTo                *epoch
	ImportType             string
	KeyMaterialId          *string
	KeyMaterialDescription *string
}

var (
	materialIDRE   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	descriptionRE  = regexp.MustCompile(`^[a-zA-Z0-9:/_\s.-]+$`)
	maxValidWindow = 365 * 24 * time.Hour
)

// materialID is the model's KeyMaterialId: 64 hex characters, the same for
// the same key id and material and different otherwise. KMS documents only
// that it is "based on the KMS key ID and the imported key material"; this
// formula is the model's own and no test may depend on it.
func materialID(keyID string, b []byte) string {
	h := sha256.New()
	h.Write([]byte("kmstest-model-key-material-id\x00" + keyID + "\x00"))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// unwrap undoes the token's wrapping algorithm with its private key.
func unwrap(t *importToken, blob []byte) ([]byte, *kmsError) {
	hash := crypto.SHA256
	if t.algorithm == "RSAES_OAEP_SHA_1" || t.algorithm == "RSA_AES_KEY_WRAP_SHA_1" {
		hash = crypto.SHA1
	}
	var out []byte
	var err error
	if slices.Contains(oaep, t.algorithm) {
		out, err = oracle.UnwrapOAEP(t.wrap.priv, hash, blob)
	} else {
		if _, lerr := exec.LookPath("openssl"); lerr != nil {
			return nil, errf("KMSInternalException", "model: the RSA-AES unwrap needs openssl on PATH: %v", lerr)
		}
		out, err = oracle.UnwrapRSAAES(t.wrap.priv, hash, blob)
	}
	if err != nil || len(out) == 0 {
		return nil, errf("InvalidCiphertextException", "The ciphertext is not valid for %s under this import token's public key", t.algorithm)
	}
	return out, nil
}

func (m *Model) importKeyMaterial(in importIn, region string) (map[string]any, *kmsError) {
	k, err := m.lookupExternal(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	now := m.now()
	tok := m.tokens[string(in.ImportToken)]
	switch {
	case tok == nil || tok.arn != k.arn:
		return nil, errf("InvalidImportTokenException", "The import token is not valid for %s", k.arn)
	case !now.Before(tok.validTo):
		return nil, errf("ExpiredImportTokenException", "The import token expired at %s", tok.validTo.Format(time.RFC3339))
	}
	if in.ExpirationModel == "" {
		in.ExpirationModel = "KEY_MATERIAL_EXPIRES"
	}
	var validTo time.Time
	switch in.ExpirationModel {
	case "KEY_MATERIAL_EXPIRES":
		if in.ValidTo == nil {
			return nil, errf("ValidationException", "ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES")
		}
		validTo = in.ValidTo.Time
		if !validTo.After(now) || validTo.Sub(now) > maxValidWindow {
			return nil, errf("ValidationException", "ValidTo %s must be in the future and at most 365 days from now (%s)", validTo.Format(time.RFC3339), now.Format(time.RFC3339))
		}
	case "KEY_MATERIAL_DOES_NOT_EXPIRE":
		if in.ValidTo != nil {
			return nil, errf("ValidationException", "ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
		}
	default:
		return nil, errf("ValidationException", "ExpirationModel %q is not valid", in.ExpirationModel)
	}
	sym := symmetric(k.spec)
	if !sym && (in.ImportType != "" || in.KeyMaterialId != nil || in.KeyMaterialDescription != nil) {
		return nil, errf("UnsupportedOperationException", "ImportType, KeyMaterialId and KeyMaterialDescription are only for symmetric encryption keys; %s is %s", k.arn, k.spec)
	}
	if in.ImportType != "" && in.ImportType != "NEW_KEY_MATERIAL" && in.ImportType != "EXISTING_KEY_MATERIAL" {
		return nil, errf("ValidationException", "ImportType %q is not valid", in.ImportType)
	}
	if in.KeyMaterialId != nil && !materialIDRE.MatchString(*in.KeyMaterialId) {
		return nil, errf("ValidationException", "KeyMaterialId %q is not 64 hexadecimal characters", *in.KeyMaterialId)
	}
	if in.KeyMaterialId != nil && in.ImportType == "NEW_KEY_MATERIAL" {
		return nil, errf("ValidationException", "KeyMaterialId cannot be specified with ImportType NEW_KEY_MATERIAL")
	}
	if d := in.KeyMaterialDescription; d != nil && (len(*d) > 256 || !descriptionRE.MatchString(*d)) {
		return nil, errf("ValidationException", "KeyMaterialDescription must be 1 to 256 characters of [a-zA-Z0-9:/_\\s.-]")
	}
	plain, err := unwrap(tok, in.EncryptedKeyMaterial)
	if err != nil {
		return nil, err
	}
	if msg := checkMaterial(k.spec, plain); msg != "" {
		return nil, errf("IncorrectKeyMaterialException", "The key material is not valid for %s: %s", k.spec, msg)
	}
	id := materialID(k.id, plain)
	mt, err := m.attach(k, in, id)
	if err != nil {
		return nil, err
	}
	mt.bytes = plain
	mt.expires = in.ExpirationModel == "KEY_MATERIAL_EXPIRES"
	mt.validTo = validTo
	if in.KeyMaterialDescription != nil {
		mt.description = in.KeyMaterialDescription
	}
	k.settle()
	m.syncPending(k, id)
	out := map[string]any{"KeyId": k.arn}
	if sym {
		out["KeyMaterialId"] = id
	}
	return out, nil
}

// attach decides, by the import type rules, which material of k the
// imported material (whose id is id) is, adding it when it is new.
func (m *Model) attach(k *mkey, in importIn, id string) (*material, *kmsError) {
	if !symmetric(k.spec) { // one material, for life
		if len(k.materials) == 0 {
			mt := &material{id: id, state: "CURRENT"}
			k.materials = append(k.materials, mt)
			return mt, nil
		}
		if k.materials[0].id != id {
			return nil, errf("IncorrectKeyMaterialException", "The key material is not the material previously imported into %s", k.arn)
		}
		return k.materials[0], nil
	}
	replica := k.primary != ""
	typ := in.ImportType
	if typ == "" {
		typ = "EXISTING_KEY_MATERIAL"
		if len(k.materials) == 0 && !replica {
			typ = "NEW_KEY_MATERIAL"
		}
	}
	if typ == "NEW_KEY_MATERIAL" {
		if replica {
			return nil, errf("UnsupportedOperationException", "New key material cannot be imported into the replica key %s: import it into the primary key in %s, then import it here with ImportType EXISTING_KEY_MATERIAL", k.arn, k.primary)
		}
		if k.find(id) != nil {
			return nil, errf("IncorrectKeyMaterialException", "The key material is already associated with %s (KeyMaterialId %s): import it with ImportType EXISTING_KEY_MATERIAL", k.arn, id)
		}
		if len(k.materials) == 0 {
			mt := &material{id: id, state: "CURRENT"}
			k.materials = append(k.materials, mt)
			return mt, nil
		}
		for _, mt := range k.materials {
			if !mt.permanent() {
				return nil, errf("KMSInvalidStateException", "%s already has key material %s pending rotation: rotate it with RotateKeyOnDemand or delete it first", k.arn, mt.id)
			}
		}
		state := "PENDING_ROTATION"
		if len(k.replicas) > 0 {
			state = "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
		}
		mt := &material{id: id, state: state}
		k.materials = append(k.materials, mt)
		return mt, nil
	}
	// EXISTING_KEY_MATERIAL: material the key (for a replica: its primary)
	// already has; KeyMaterialId names which, else the current one.
	if in.KeyMaterialId != nil && *in.KeyMaterialId != id {
		return nil, errf("IncorrectKeyMaterialException", "The key material does not match KeyMaterialId %s", *in.KeyMaterialId)
	}
	if replica {
		return m.attachReplica(k, in, id)
	}
	want := k.current()
	if in.KeyMaterialId != nil {
		want = k.find(*in.KeyMaterialId)
		if want == nil {
			return nil, errf("IncorrectKeyMaterialException", "KeyMaterialId %s is not associated with %s", *in.KeyMaterialId, k.arn)
		}
	}
	if want == nil {
		return nil, errf("IncorrectKeyMaterialException", "%s has no key material to reimport: import with ImportType NEW_KEY_MATERIAL", k.arn)
	}
	if want.id != id {
		return nil, errf("IncorrectKeyMaterialException", "The key material is not the key material %s of %s", want.id, k.arn)
	}
	return want, nil
}

// attachReplica: a replica takes only material its primary has (same key
// id, so the same KeyMaterialId), in the role it has there.
func (m *Model) attachReplica(k *mkey, in importIn, id string) (*material, *kmsError) {
	if mt := k.find(id); mt != nil {
		return mt, nil
	}
	p := m.key(k.primary, k.id)
	var pm *material
	if p != nil {
		pm = p.find(id)
	}
	if pm == nil {
		if p != nil && len(p.materials) == 0 && len(k.materials) == 0 {
			// The primary holds nothing yet: AWS documents no order for a
			// first import, so the model accepts it as the key's first.
			mt := &material{id: id, state: "CURRENT"}
			k.materials = append(k.materials, mt)
			return mt, nil
		}
		return nil, errf("IncorrectKeyMaterialException", "The key material is not key material of the primary key %s", m.arn(k.primary, k.id))
	}
	state := pm.state
	if !pm.permanent() {
		state = "PENDING_ROTATION"
	}
	mt := &material{id: id, state: state, rotated: pm.rotated, description: pm.description}
	if in.KeyMaterialDescription != nil {
		mt.description = in.KeyMaterialDescription
	}
	k.materials = append(k.materials, mt)
	return mt, nil
}

// syncPending: once every replica holds the primary's new material, the
// primary's copy goes from PENDING_MULTI_REGION_IMPORT_AND_ROTATION to
// PENDING_ROTATION and can be rotated in.
func (m *Model) syncPending(k *mkey, id string) {
	set := m.set(k)
	p := set[0]
	if !p.multiRegion {
		return
	}
	pm := p.find(id)
	if pm == nil || pm.state != "PENDING_MULTI_REGION_IMPORT_AND_ROTATION" {
		return
	}
	for _, r := range set[1:] {
		if rm := r.find(id); rm == nil || !rm.imported() {
			return
		}
	}
	pm.state = "PENDING_ROTATION"
}

type deleteIn struct {
	KeyId         string
	KeyMaterialId *string
}

func (m *Model) deleteImportedKeyMaterial(in deleteIn, region string) (map[string]any, *kmsError) {
	k, err := m.lookupExternal(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	mt := k.current()
	if in.KeyMaterialId != nil {
		if !symmetric(k.spec) {
			return nil, errf("UnsupportedOperationException", "KeyMaterialId is only for symmetric encryption keys")
		}
		mt = k.find(*in.KeyMaterialId)
		if mt == nil {
			return nil, errf("NotFoundException", "KeyMaterialId %s is not associated with %s", *in.KeyMaterialId, k.arn)
		}
	}
	if mt == nil || !mt.imported() {
		return nil, errf("KMSInvalidStateException", "%s has no imported key material to delete", k.arn)
	}
	m.dropMaterial(k, mt)
	k.settle()
	out := map[string]any{"KeyId": k.arn}
	if symmetric(k.spec) {
		out["KeyMaterialId"] = mt.id
	}
	return out, nil
}
