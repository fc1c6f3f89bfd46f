package kmstest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
)

// specInfo is what the model knows of one KMS key spec, written out here
// from AWS's documentation rather than taken from kmsrules, so the model
// stays an independent check of airwrap's own table.
type specInfo struct {
	usages   []string // the first is the default... only where KMS has one
	wrapping []string // wrapping algorithms GetParametersForImport accepts
	mac      string   // HMAC: the MAC algorithm
	signing  []string // asymmetric: signing algorithms
	encrypt  []string // RSA: encryption algorithms
}

var (
	oaep    = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	rsaAES  = []string{"RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"}
	allWrap = append(append([]string(nil), oaep...), rsaAES...)
	rsaSign = []string{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
		"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"}
	rsaEnc = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
)

var specs = map[string]specInfo{
	"SYMMETRIC_DEFAULT": {usages: []string{"ENCRYPT_DECRYPT"}, wrapping: oaep},
	"HMAC_224":          {usages: []string{"GENERATE_VERIFY_MAC"}, wrapping: oaep, mac: "HMAC_SHA_224"},
	"HMAC_256":          {usages: []string{"GENERATE_VERIFY_MAC"}, wrapping: oaep, mac: "HMAC_SHA_256"},
	"HMAC_384":          {usages: []string{"GENERATE_VERIFY_MAC"}, wrapping: oaep, mac: "HMAC_SHA_384"},
	"HMAC_512":          {usages: []string{"GENERATE_VERIFY_MAC"}, wrapping: oaep, mac: "HMAC_SHA_512"},
	"RSA_2048":          {usages: []string{"ENCRYPT_DECRYPT", "SIGN_VERIFY"}, wrapping: rsaAES, signing: rsaSign, encrypt: rsaEnc},
	"RSA_3072":          {usages: []string{"ENCRYPT_DECRYPT", "SIGN_VERIFY"}, wrapping: rsaAES, signing: rsaSign, encrypt: rsaEnc},
	"RSA_4096":          {usages: []string{"ENCRYPT_DECRYPT", "SIGN_VERIFY"}, wrapping: rsaAES, signing: rsaSign, encrypt: rsaEnc},
	"ECC_NIST_P256":     {usages: []string{"SIGN_VERIFY", "KEY_AGREEMENT"}, wrapping: allWrap, signing: []string{"ECDSA_SHA_256"}},
	"ECC_NIST_P384":     {usages: []string{"SIGN_VERIFY", "KEY_AGREEMENT"}, wrapping: allWrap, signing: []string{"ECDSA_SHA_384"}},
	"ECC_NIST_P521":     {usages: []string{"SIGN_VERIFY", "KEY_AGREEMENT"}, wrapping: allWrap, signing: []string{"ECDSA_SHA_512"}},
	"ECC_SECG_P256K1":   {usages: []string{"SIGN_VERIFY", "KEY_AGREEMENT"}, wrapping: allWrap, signing: []string{"ECDSA_SHA_256"}},
}

func (s specInfo) algorithmField(usage string) string {
	switch {
	case s.mac != "":
		return "MacAlgorithms"
	case usage == "SIGN_VERIFY":
		return "SigningAlgorithms"
	case usage == "KEY_AGREEMENT":
		return "KeyAgreementAlgorithms"
	}
	return "EncryptionAlgorithms"
}

func (s specInfo) algorithms(usage string) []string {
	switch {
	case s.mac != "":
		return []string{s.mac}
	case usage == "SIGN_VERIFY":
		return s.signing
	case usage == "KEY_AGREEMENT":
		return []string{"ECDH"}
	case s.encrypt != nil:
		return s.encrypt
	}
	return []string{"SYMMETRIC_DEFAULT"}
}

var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)

func newKeyID(multiRegion bool) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	if multiRegion {
		return "mrk-" + hex.EncodeToString(b)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (m *Model) arn(region, id string) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, m.account, id)
}

type createKeyIn struct {
	Origin      string
	KeySpec     string
	KeyUsage    string
	Description string
	MultiRegion bool
}

func (m *Model) createKey(in createKeyIn, region string) (map[string]any, *kmsError) {
	if in.Origin == "" {
		in.Origin = "AWS_KMS"
	}
	if in.KeySpec == "" {
		in.KeySpec = "SYMMETRIC_DEFAULT"
	}
	info, ok := specs[in.KeySpec]
	if !ok {
		return nil, errf("ValidationException", "KeySpec %s is not supported by this model", in.KeySpec)
	}
	if in.Origin != "EXTERNAL" && in.Origin != "AWS_KMS" {
		return nil, errf("UnsupportedOperationException", "Origin %s is not supported by this model", in.Origin)
	}
	if in.KeyUsage == "" {
		in.KeyUsage = "ENCRYPT_DECRYPT" // KMS's default, whatever the key spec
	}
	if !slices.Contains(info.usages, in.KeyUsage) {
		return nil, errf("ValidationException", "KeyUsage %s is not compatible with KeySpec %s", in.KeyUsage, in.KeySpec)
	}
	id := newKeyID(in.MultiRegion)
	k := &mkey{
		region: region, id: id, arn: m.arn(region, id),
		spec: in.KeySpec, usage: in.KeyUsage, origin: in.Origin, description: in.Description,
		created: m.now(), state: "PendingImport", multiRegion: in.MultiRegion,
	}
	if in.Origin == "AWS_KMS" { // KMS makes the material: only for the model's own tests
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		if !symmetric(in.KeySpec) {
			return nil, errf("UnsupportedOperationException", "the model makes material only for SYMMETRIC_DEFAULT keys")
		}
		k.materials = []*material{{id: materialID(id, b), bytes: b, state: "CURRENT"}}
		k.state = "Enabled"
	}
	m.keys[region+"/"+id] = k
	return map[string]any{"KeyMetadata": m.metadata(k)}, nil
}

type replicateKeyIn struct {
	KeyId         string
	ReplicaRegion string
	Description   *string
}

func (m *Model) replicateKey(in replicateKeyIn, region string) (map[string]any, *kmsError) {
	k, err := m.lookup(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	if !k.multiRegion || k.primary != "" {
		return nil, errf("UnsupportedOperationException", "%s is not a multi-Region primary key", k.arn)
	}
	if !regionRE.MatchString(in.ReplicaRegion) {
		return nil, errf("ValidationException", "ReplicaRegion %q is not a Region", in.ReplicaRegion)
	}
	if in.ReplicaRegion == region || m.key(in.ReplicaRegion, k.id) != nil {
		return nil, errf("AlreadyExistsException", "%s already has a key in %s", k.id, in.ReplicaRegion)
	}
	if pendingDeletion(k) {
		return nil, errf("KMSInvalidStateException", "%s is pending deletion.", k.arn)
	}
	desc := k.description
	if in.Description != nil {
		desc = *in.Description
	}
	r := &mkey{
		region: in.ReplicaRegion, id: k.id, arn: m.arn(in.ReplicaRegion, k.id),
		spec: k.spec, usage: k.usage, origin: k.origin, description: desc,
		created: m.now(), state: "PendingImport", multiRegion: true, primary: region,
	}
	if k.origin == "AWS_KMS" { // KMS copies generated material; never imported material
		for _, mt := range k.materials {
			c := *mt
			r.materials = append(r.materials, &c)
		}
		r.settle()
	}
	m.keys[in.ReplicaRegion+"/"+k.id] = r
	k.replicas = append(k.replicas, in.ReplicaRegion)
	// A rotation waiting on the primary now waits for this replica too.
	for _, mt := range k.materials {
		if mt.state == "PENDING_ROTATION" {
			mt.state = "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
		}
	}
	return map[string]any{"ReplicaKeyMetadata": m.metadata(r), "ReplicaPolicy": "{}", "ReplicaTags": []any{}}, nil
}

type keyIDIn struct{ KeyId string }

func (m *Model) describeKey(in keyIDIn, region string) (map[string]any, *kmsError) {
	k, err := m.lookup(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	return map[string]any{"KeyMetadata": m.metadata(k)}, nil
}

type scheduleIn struct {
	KeyId               string
	PendingWindowInDays *int
}

func (m *Model) scheduleKeyDeletion(in scheduleIn, region string) (map[string]any, *kmsError) {
	k, err := m.lookup(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	days := 30
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
	}
	if days < 7 || days > 30 {
		return nil, errf("ValidationException", "PendingWindowInDays %d is not between 7 and 30", days)
	}
	if pendingDeletion(k) {
		return nil, errf("KMSInvalidStateException", "%s is pending deletion.", k.arn)
	}
	k.window = days
	if k.primary == "" && len(m.set(k)) > 1 {
		// "KMS will not delete a multi-Region primary key with existing
		// replica keys": it waits, with no deletion date, until the last
		// replica is deleted (replicaGone).
		k.state = "PendingReplicaDeletion"
		return map[string]any{"KeyId": k.arn, "KeyState": k.state, "PendingWindowInDays": days}, nil
	}
	k.state = "PendingDeletion"
	k.deletion = m.now().AddDate(0, 0, days)
	return map[string]any{"KeyId": k.arn, "DeletionDate": stamp(k.deletion), "KeyState": k.state, "PendingWindowInDays": days}, nil
}
