package kmstest

import (
	"regexp"
	"testing"
	"time"

	"github.com/airwrap/airwrap/kmsimport"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/stretchr/testify/require"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// The life of a single-Region symmetric key: first import, reimport of the
// same material (with and without its KeyMaterialId), the wrong material
// refused, deletion back to PendingImport, and recovery by reimport.
func TestModelSymmetricImportDeleteReimport(t *testing.T) {
	m, c := modelClient(t, 1)
	k := createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false)
	arn := aws.ToString(k.Arn)
	require.Equal(t, types.KeyStatePendingImport, k.KeyState)
	require.Equal(t, types.OriginTypeExternal, k.Origin)
	require.Regexp(t, `^arn:aws:kms:eu-west-2:111122223333:key/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, arn)

	a, b := random(32), random(32)
	validTo := m.Now().Add(100 * 24 * time.Hour).Truncate(time.Second)
	idA := mustImport(t, m, c, arn, a, imp{alg: "RSAES_OAEP_SHA_1", validTo: validTo})
	require.Regexp(t, hex64, idA, "KeyMaterialId")
	d := describe(t, c, arn)
	require.Equal(t, types.KeyStateEnabled, d.KeyState)
	require.Equal(t, idA, aws.ToString(d.CurrentKeyMaterialId))
	require.Equal(t, types.ExpirationModelTypeKeyMaterialExpires, d.ExpirationModel)
	require.True(t, validTo.Equal(aws.ToTime(d.ValidTo)), "ValidTo %v, want %v", d.ValidTo, validTo)
	blob := encrypt(t, c, arn, []byte("before the deletion"))

	// The same material again: with its id, without it, or with
	// EXISTING_KEY_MATERIAL: the same id each time.
	require.Equal(t, idA, mustImport(t, m, c, arn, a, imp{}))
	require.Equal(t, idA, mustImport(t, m, c, arn, a, imp{importType: "EXISTING_KEY_MATERIAL", materialID: idA, noExpiry: true}))
	require.Equal(t, types.ExpirationModelTypeKeyMaterialDoesNotExpire, describe(t, c, arn).ExpirationModel, "a reimport sets the expiration model anew")

	// Other material is refused, however it is labelled.
	for name, o := range map[string]imp{
		"default type":     {},
		"existing":         {importType: "EXISTING_KEY_MATERIAL"},
		"existing with id": {importType: "EXISTING_KEY_MATERIAL", materialID: idA},
	} {
		_, err := importInto(t, m, c, arn, b, o)
		require.Equal(t, "IncorrectKeyMaterialException", code(err), "%s: other material", name)
	}
	// Material already attached is not new.
	_, err := importInto(t, m, c, arn, a, imp{importType: "NEW_KEY_MATERIAL"})
	require.Equal(t, "IncorrectKeyMaterialException", code(err), "NEW with the current material")

	// Deletion: the key goes back to PendingImport and cannot decrypt.
	del, err := c.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(arn)})
	require.NoError(t, err, "DeleteImportedKeyMaterial")
	require.Equal(t, idA, aws.ToString(del.KeyMaterialId), "deleted the current material")
	require.Equal(t, types.KeyStatePendingImport, describe(t, c, arn).KeyState)
	_, err = decrypt(c, arn, blob)
	require.Equal(t, "KMSInvalidStateException", code(err), "Decrypt while PendingImport")
	mats := materials(t, c, arn)
	require.Equal(t, types.ImportStatePendingImport, mats[idA].ImportState, "the deleted material stays listed, PENDING_IMPORT")
	_, err = c.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(arn)})
	require.Equal(t, "KMSInvalidStateException", code(err), "nothing left to delete")

	// Other material cannot take its place; the same material restores it.
	_, err = importInto(t, m, c, arn, b, imp{})
	require.Equal(t, "IncorrectKeyMaterialException", code(err), "other material after deletion")
	require.Equal(t, idA, mustImport(t, m, c, arn, a, imp{importType: "EXISTING_KEY_MATERIAL", materialID: idA, alg: "RSAES_OAEP_SHA_256", wrapSpec: "RSA_3072"}))
	plain, err := decrypt(c, arn, blob)
	require.NoError(t, err, "Decrypt after the reimport")
	require.Equal(t, "before the deletion", string(plain))

	// KeyMaterialId: the same key and material give the same id; another
	// key, or other material, another id.
	k2 := createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false)
	id2 := mustImport(t, m, c, aws.ToString(k2.Arn), a, imp{})
	require.NotEqual(t, idA, id2, "another key, the same material")
	k3 := createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false)
	require.NotEqual(t, idA, mustImport(t, m, c, aws.ToString(k3.Arn), b, imp{}), "other material")
	_, err = decrypt(c, aws.ToString(k2.Arn), blob)
	require.Equal(t, "IncorrectKeyException", code(err), "another key's ciphertext")
}

// Rotation to new material: NEW_KEY_MATERIAL is PENDING_ROTATION until
// RotateKeyOnDemand, which makes it CURRENT and the old one NON_CURRENT;
// old ciphertexts still decrypt; every material is listed.
func TestModelRotation(t *testing.T) {
	m, c := modelClient(t, 1)
	arn := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false).Arn)
	a, b, x := random(32), random(32), random(32)
	idA := mustImport(t, m, c, arn, a, imp{description: "first"})

	_, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(arn)})
	require.Equal(t, "KMSInvalidStateException", code(err), "rotation with no material pending")
	_, err = importInto(t, m, c, arn, b, imp{importType: "NEW_KEY_MATERIAL", materialID: idA})
	require.Equal(t, "ValidationException", code(err), "KeyMaterialId with NEW_KEY_MATERIAL")

	idB := mustImport(t, m, c, arn, b, imp{importType: "NEW_KEY_MATERIAL", description: "rotation 1"})
	require.NotEqual(t, idA, idB)
	d := describe(t, c, arn)
	require.Equal(t, types.KeyStateEnabled, d.KeyState)
	require.Equal(t, idA, aws.ToString(d.CurrentKeyMaterialId), "pending material is not current")
	mats := materials(t, c, arn)
	require.Len(t, mats, 2)
	require.Equal(t, types.KeyMaterialStateCurrent, mats[idA].KeyMaterialState)
	require.Equal(t, types.KeyMaterialStatePendingRotation, mats[idB].KeyMaterialState)
	require.Equal(t, "rotation 1", aws.ToString(mats[idB].KeyMaterialDescription))
	require.Nil(t, mats[idB].RotationDate, "no rotation date while pending")
	_, err = importInto(t, m, c, arn, x, imp{importType: "NEW_KEY_MATERIAL"})
	require.Equal(t, "KMSInvalidStateException", code(err), "a second material pending rotation")
	// A pending material can be reimported by its id (new expiry) ...
	require.Equal(t, idB, mustImport(t, m, c, arn, b, imp{importType: "EXISTING_KEY_MATERIAL", materialID: idB}))
	// ... and deleted outright, leaving the key as it was.
	_, err = c.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(arn), KeyMaterialId: aws.String(idB)})
	require.NoError(t, err, "delete the pending material")
	require.NotContains(t, materials(t, c, arn), idB, "pending material leaves the key when deleted")
	require.Equal(t, types.KeyStateEnabled, describe(t, c, arn).KeyState)
	require.Equal(t, idB, mustImport(t, m, c, arn, b, imp{importType: "NEW_KEY_MATERIAL"}))

	old := encrypt(t, c, arn, []byte("under A"))
	_, err = c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(arn)})
	require.NoError(t, err, "RotateKeyOnDemand")
	require.Equal(t, idB, aws.ToString(describe(t, c, arn).CurrentKeyMaterialId))
	mats = materials(t, c, arn)
	require.Equal(t, types.KeyMaterialStateNonCurrent, mats[idA].KeyMaterialState)
	require.Equal(t, types.KeyMaterialStateCurrent, mats[idB].KeyMaterialState)
	require.NotNil(t, mats[idB].RotationDate)
	require.Equal(t, types.RotationTypeOnDemand, mats[idB].RotationType)
	require.Equal(t, "first", aws.ToString(mats[idA].KeyMaterialDescription))
	require.Equal(t, types.ImportStateImported, mats[idA].ImportState)
	require.True(t, mats[idA].ValidTo.Before(aws.ToTime(mats[idB].ValidTo)), "A was imported first")
	require.Equal(t, aws.ToTime(mats[idA].ValidTo), aws.ToTime(describe(t, c, arn).ValidTo), "DescribeKey's ValidTo is the earliest of the key's materials")
	plain, err := decrypt(c, arn, old)
	require.NoError(t, err, "NON_CURRENT material still decrypts")
	require.Equal(t, "under A", string(plain))

	// ROTATIONS_ONLY (the default) lists completed rotations only; pages.
	def, err := c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: aws.String(arn)})
	require.NoError(t, err)
	require.Len(t, def.Rotations, 1)
	require.Equal(t, idB, aws.ToString(def.Rotations[0].KeyMaterialId))
	page, err := c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: aws.String(arn), IncludeKeyMaterial: types.IncludeKeyMaterialAllKeyMaterial, Limit: aws.Int32(1)})
	require.NoError(t, err)
	require.True(t, page.Truncated, "two materials, Limit 1")
	require.NotEmpty(t, aws.ToString(page.NextMarker))

	// A non-current material's deletion makes the key unusable too: every
	// material permanently associated with the key must be imported.
	_, err = c.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(arn), KeyMaterialId: aws.String(idA)})
	require.NoError(t, err)
	require.Equal(t, types.KeyStatePendingImport, describe(t, c, arn).KeyState)
	_, err = importInto(t, m, c, arn, a, imp{importType: "EXISTING_KEY_MATERIAL"})
	require.Equal(t, "IncorrectKeyMaterialException", code(err), "without KeyMaterialId, EXISTING means the current material")
	require.Equal(t, idA, mustImport(t, m, c, arn, a, imp{importType: "EXISTING_KEY_MATERIAL", materialID: idA}))
	require.Equal(t, types.KeyStateEnabled, describe(t, c, arn).KeyState)
}

// RotateKeyOnDemand's quota: a sixth request within one second is
// throttled; a second later the quota is back.
func TestModelRotateQuota(t *testing.T) {
	m, c := modelClient(t, 1)
	arn := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false).Arn)
	var codes []string
	for range RotateQuota + 1 {
		_, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(arn)})
		codes = append(codes, code(err))
	}
	require.Equal(t, "ThrottlingException", codes[RotateQuota], "request %d within a second: %v", RotateQuota+1, codes)
	for _, cd := range codes[:RotateQuota] {
		require.Equal(t, "KMSInvalidStateException", cd, "the first %d pass the quota: %v", RotateQuota, codes)
	}
	time.Sleep(time.Second)
	_, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(arn)})
	require.Equal(t, "KMSInvalidStateException", code(err), "a second later")
	require.Len(t, m.Requests(), RotateQuota+3)
}

// Multi-Region: one primary, one replica in another Region (same key id),
// each with its own wrapping key and token; the same material in both; a
// rotation through NEW on the primary, EXISTING with the primary's
// KeyMaterialId on the replica, then RotateKeyOnDemand on the primary.
func TestModelMultiRegion(t *testing.T) {
	m, c := modelClient(t, 1)
	p := createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", true)
	parn, id := aws.ToString(p.Arn), aws.ToString(p.KeyId)
	require.Regexp(t, `^mrk-[0-9a-f]{32}$`, id)
	require.True(t, aws.ToBool(p.MultiRegion))

	rep, err := c.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(parn), ReplicaRegion: aws.String("us-east-1")})
	require.NoError(t, err, "ReplicateKey")
	rarn := aws.ToString(rep.ReplicaKeyMetadata.Arn)
	require.Equal(t, "arn:aws:kms:us-east-1:111122223333:key/"+id, rarn)
	require.Equal(t, types.KeyStatePendingImport, rep.ReplicaKeyMetadata.KeyState)
	_, err = c.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(parn), ReplicaRegion: aws.String("us-east-1")})
	require.Equal(t, "AlreadyExistsException", code(err), "a second replica in one Region")
	_, err = c.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(parn), ReplicaRegion: aws.String(Region)})
	require.Equal(t, "AlreadyExistsException", code(err), "a replica in the primary's Region")
	_, err = kmsimport.InRegion(c, "us-east-1").ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(rarn), ReplicaRegion: aws.String("ap-south-1")})
	require.Equal(t, "UnsupportedOperationException", code(err), "a replica cannot be replicated")
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(rarn)})
	require.Equal(t, "NotFoundException", code(err), "a replica's ARN asked in the primary's Region")

	pd, rd := describe(t, c, parn), describe(t, c, rarn)
	require.Equal(t, types.MultiRegionKeyTypePrimary, pd.MultiRegionConfiguration.MultiRegionKeyType)
	require.Equal(t, types.MultiRegionKeyTypeReplica, rd.MultiRegionConfiguration.MultiRegionKeyType)
	require.Equal(t, parn, aws.ToString(rd.MultiRegionConfiguration.PrimaryKey.Arn))
	require.Len(t, pd.MultiRegionConfiguration.ReplicaKeys, 1)
	require.Equal(t, "us-east-1", aws.ToString(pd.MultiRegionConfiguration.ReplicaKeys[0].Region))

	// A token is for its own key: the primary's token does not import into
	// the replica.
	a, b := random(32), random(32)
	pp := params(t, c, parn, "RSAES_OAEP_SHA_256", "RSA_2048")
	_, err = kmsimport.ForKey(c, rarn).ImportKeyMaterial(ctx, imp{}.input(rarn, pp, wrap(t, pp.PublicKey, "RSAES_OAEP_SHA_256", a), m.Now()))
	require.Equal(t, "InvalidImportTokenException", code(err), "the primary's token used for the replica")

	idA := mustImport(t, m, c, parn, a, imp{})
	_, err = importInto(t, m, c, rarn, b, imp{importType: "EXISTING_KEY_MATERIAL"})
	require.Equal(t, "IncorrectKeyMaterialException", code(err), "other material into the replica")
	require.Equal(t, idA, mustImport(t, m, c, rarn, a, imp{importType: "EXISTING_KEY_MATERIAL", materialID: idA}), "the replica's id for the same material")
	require.Equal(t, types.KeyStateEnabled, describe(t, c, rarn).KeyState)
	plain, err := decrypt(c, rarn, encrypt(t, c, parn, []byte("cross-Region")))
	require.NoError(t, err, "the replica decrypts the primary's ciphertext")
	require.Equal(t, "cross-Region", string(plain))

	// Rotation.
	_, err = importInto(t, m, c, rarn, b, imp{importType: "NEW_KEY_MATERIAL"})
	require.Equal(t, "UnsupportedOperationException", code(err), "NEW into a replica")
	idB := mustImport(t, m, c, parn, b, imp{importType: "NEW_KEY_MATERIAL"})
	require.Equal(t, types.KeyMaterialStatePendingMultiRegionImportAndRotation, materials(t, c, parn)[idB].KeyMaterialState)
	_, err = c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(parn)})
	require.Equal(t, "KMSInvalidStateException", code(err), "rotation before every replica has the material")
	require.Equal(t, idB, mustImport(t, m, c, rarn, b, imp{importType: "EXISTING_KEY_MATERIAL", materialID: idB}))
	require.Equal(t, types.KeyMaterialStatePendingRotation, materials(t, c, parn)[idB].KeyMaterialState)
	require.Equal(t, types.KeyMaterialStatePendingRotation, materials(t, c, rarn)[idB].KeyMaterialState)
	_, err = kmsimport.ForKey(c, rarn).RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(rarn)})
	require.Equal(t, "UnsupportedOperationException", code(err), "rotating a replica")
	_, err = c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(parn)})
	require.NoError(t, err, "RotateKeyOnDemand on the primary")
	for _, arn := range []string{parn, rarn} {
		require.Equal(t, idB, aws.ToString(describe(t, c, arn).CurrentKeyMaterialId), "%s after the rotation", arn)
		require.Equal(t, types.KeyMaterialStateNonCurrent, materials(t, c, arn)[idA].KeyMaterialState, arn)
	}
	plain, err = decrypt(c, parn, encrypt(t, c, rarn, []byte("after")))
	require.NoError(t, err)
	require.Equal(t, "after", string(plain))

	// Every request was answered in the Region it was signed for.
	var regions []string
	for _, r := range m.Requests() {
		if r.Op == "GetParametersForImport" {
			regions = append(regions, r.Region)
		}
	}
	require.Contains(t, regions, "us-east-1")
	require.Contains(t, regions, Region)
}

// The errors ImportKeyMaterial returns for the token, the wrapping and the
// expiry fields.
func TestModelImportErrors(t *testing.T) {
	m, c := modelClient(t, 1)
	arn := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false).Arn)
	other := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false).Arn)
	mat := random(32)
	now := m.Now()
	send := func(p *kms.GetParametersForImportOutput, blob []byte, o imp) error {
		_, err := c.ImportKeyMaterial(ctx, o.input(arn, p, blob, m.Now()))
		return err
	}
	p := params(t, c, arn, "RSAES_OAEP_SHA_256", "RSA_2048")
	require.WithinDuration(t, now.Add(24*time.Hour), aws.ToTime(p.ParametersValidTo), time.Minute, "ParametersValidTo = now + 24 h")
	good := wrap(t, p.PublicKey, "RSAES_OAEP_SHA_256", mat)

	po := params(t, c, other, "RSAES_OAEP_SHA_256", "RSA_2048")
	require.Equal(t, "InvalidImportTokenException", code(send(po, good, imp{})), "another key's token")
	require.Equal(t, "InvalidImportTokenException", code(send(&kms.GetParametersForImportOutput{ImportToken: []byte("forged")}, good, imp{})), "a token the model never issued")
	require.Equal(t, "InvalidCiphertextException", code(send(p, wrap(t, p.PublicKey, "RSAES_OAEP_SHA_1", mat), imp{})), "wrapped with the wrong algorithm")
	p3 := params(t, c, other, "RSAES_OAEP_SHA_256", "RSA_3072")
	require.Equal(t, "InvalidCiphertextException", code(send(p, wrap(t, p3.PublicKey, "RSAES_OAEP_SHA_256", mat), imp{})), "wrapped under another public key")
	require.Equal(t, "IncorrectKeyMaterialException", code(send(p, wrap(t, p.PublicKey, "RSAES_OAEP_SHA_256", random(31)), imp{})), "31 bytes for SYMMETRIC_DEFAULT")
	require.Equal(t, "ValidationException", code(send(p, good, imp{validTo: now.Add(366 * 24 * time.Hour)})), "ValidTo more than 365 days ahead")
	require.Equal(t, "ValidationException", code(send(p, good, imp{validTo: now.Add(-time.Minute)})), "ValidTo in the past")
	in := imp{noExpiry: true}.input(arn, p, good, now)
	in.ValidTo = aws.Time(now.Add(time.Hour))
	_, err := c.ImportKeyMaterial(ctx, in)
	require.Equal(t, "ValidationException", code(err), "ValidTo with KEY_MATERIAL_DOES_NOT_EXPIRE")
	in = imp{}.input(arn, p, good, now)
	in.ValidTo = nil
	_, err = c.ImportKeyMaterial(ctx, in)
	require.Equal(t, "ValidationException", code(err), "KEY_MATERIAL_EXPIRES without ValidTo")
	_, err = c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: aws.String(arn), WrappingAlgorithm: types.AlgorithmSpecRsaAesKeyWrapSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
	require.Equal(t, "ValidationException", code(err), "RSA_AES_KEY_WRAP for a symmetric key")
	require.Equal(t, types.KeyStatePendingImport, describe(t, c, arn).KeyState, "nothing was imported")

	// The token expires 24 hours after GetParametersForImport.
	m.Advance(24*time.Hour + time.Second)
	require.Equal(t, "ExpiredImportTokenException", code(send(p, good, imp{})), "a token 24 h old")
	mustImport(t, m, c, arn, mat, imp{})
	require.Equal(t, types.KeyStateEnabled, describe(t, c, arn).KeyState, "fresh parameters import")
}

// With FreshWrappingKeys every response has its own public key: material
// wrapped under one response's key does not import with another's token.
func TestModelFreshWrappingKeys(t *testing.T) {
	m, url := StartModel(t, ModelOptions{FreshWrappingKeys: true})
	SetEnv(t, ModelEnv(url, Region))
	c, err := kmsimport.NewClient(ctx, kmsimport.ClientOptions{EndpointURL: url, MaxAttempts: 1})
	require.NoError(t, err)
	arn := aws.ToString(createKey(t, c, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false).Arn)
	p1 := params(t, c, arn, "RSAES_OAEP_SHA_256", "RSA_2048")
	p2 := params(t, c, arn, "RSAES_OAEP_SHA_256", "RSA_2048")
	require.NotEqual(t, p1.PublicKey, p2.PublicKey, "a wrapping key per response")
	mat := random(32)
	_, err = c.ImportKeyMaterial(ctx, imp{}.input(arn, p2, wrap(t, p1.PublicKey, "RSAES_OAEP_SHA_256", mat), m.Now()))
	require.Equal(t, "InvalidCiphertextException", code(err), "the first response's public key with the second's token")
	_, err = c.ImportKeyMaterial(ctx, imp{}.input(arn, p1, wrap(t, p1.PublicKey, "RSAES_OAEP_SHA_256", mat), m.Now()))
	require.NoError(t, err, "an earlier response's key and token together still import")
}
