package kmsimport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KeyInfo is what DescribeKey says about a KMS key, flattened.
type KeyInfo struct {
	ARN              string `json:"arn"`
	KeyID            string `json:"key_id"`
	Account          string `json:"account"`
	Region           string `json:"region"`
	KeySpec          string `json:"key_spec"`
	KeyUsage         string `json:"key_usage"`
	State            string `json:"state"`
	Origin           string `json:"origin"`
	CustomKeyStoreID string `json:"custom_key_store_id,omitempty"`
	MultiRegion      bool   `json:"multi_region"`
	MultiRegionRole  string `json:"multi_region_role,omitempty"`
	// MultiRegionKeys: a multi-Region key's primary and every replica
	// (DescribeKey's MultiRegionConfiguration), each in its own Region.
	MultiRegionKeys      []string   `json:"multi_region_keys,omitempty"`
	ExpirationModel      string     `json:"expiration_model,omitempty"`
	ValidTo              *time.Time `json:"valid_to,omitempty"`
	CurrentKeyMaterialID string     `json:"current_key_material_id,omitempty"`
}

func keyInfo(md *types.KeyMetadata) KeyInfo {
	k := KeyInfo{
		ARN:                  aws.ToString(md.Arn),
		KeyID:                aws.ToString(md.KeyId),
		Account:              aws.ToString(md.AWSAccountId),
		KeySpec:              string(md.KeySpec),
		KeyUsage:             string(md.KeyUsage),
		State:                string(md.KeyState),
		Origin:               string(md.Origin),
		CustomKeyStoreID:     aws.ToString(md.CustomKeyStoreId),
		MultiRegion:          aws.ToBool(md.MultiRegion),
		ExpirationModel:      string(md.ExpirationModel),
		ValidTo:              md.ValidTo,
		CurrentKeyMaterialID: aws.ToString(md.CurrentKeyMaterialId),
	}
	if md.MultiRegionConfiguration != nil {
		mc := md.MultiRegionConfiguration
		k.MultiRegionRole = string(mc.MultiRegionKeyType)
		if mc.PrimaryKey != nil && aws.ToString(mc.PrimaryKey.Arn) != "" {
			k.MultiRegionKeys = append(k.MultiRegionKeys, aws.ToString(mc.PrimaryKey.Arn))
		}
		for _, r := range mc.ReplicaKeys {
			if aws.ToString(r.Arn) != "" {
				k.MultiRegionKeys = append(k.MultiRegionKeys, aws.ToString(r.Arn))
			}
		}
	}
	if a, err := kmsrules.ParseARN(k.ARN); err == nil {
		k.Region = a.Region
		if k.Account == "" {
			k.Account = a.Account
		}
	}
	return k
}

// describe calls DescribeKey and explains its failure.
func describe(ctx context.Context, api API, keyID string) (KeyInfo, error) {
	out, err := ForKey(api, keyID).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return KeyInfo{}, explainCommon(keyID, err)
	}
	if out.KeyMetadata == nil {
		return KeyInfo{}, fmt.Errorf("%s: DescribeKey returned no metadata", keyID)
	}
	return keyInfo(out.KeyMetadata), nil
}

// Importable reports every reason this key cannot take imported material,
// each prefixed with path (e.g. "keys[2]").
func (k KeyInfo) Importable(path string) error {
	var errs []error
	// Every value here came from KMS: escaped, so it stays on its line.
	arn, state, store := clikit.Escape(k.ARN), clikit.Escape(k.State), clikit.Escape(k.CustomKeyStoreID)
	bad := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %w: "+format, append([]any{path, field, ErrKeyNotImportable}, a...)...))
	}
	if k.Origin != string(types.OriginTypeExternal) {
		bad("Origin", "%s is %q, want EXTERNAL (create the key with --create, or `aws kms create-key --origin EXTERNAL`)", arn, k.Origin)
	}
	switch types.KeyState(k.State) {
	case types.KeyStatePendingImport, types.KeyStateEnabled:
	default:
		bad("KeyState", "%s is %s, want PendingImport or Enabled", arn, state)
	}
	if k.CustomKeyStoreID != "" {
		bad("CustomKeyStoreId", "%s is in custom key store %s, which cannot take imported material", arn, store)
	}
	if _, err := kmsrules.ParseKeySpec(k.KeySpec); err != nil {
		bad("KeySpec", "%s: %v", arn, err)
	}
	return errors.Join(errs...)
}

// Situation says, in an operator's words, what an import into the key will
// be: a first import, a reimport of material that expired or was deleted,
// or material in place that a reimport extends or new material rotates.
// For a symmetric key in PendingImport it asks ListKeyRotations
// (ALL_KEY_MATERIAL) whether material was ever imported; an endpoint that
// cannot list materials leaves that open. Only a failure of that request
// is an error.
func Situation(ctx context.Context, api API, k KeyInfo, now time.Time) (string, error) {
	switch types.KeyState(k.State) {
	case types.KeyStateEnabled:
		s := "Enabled, material does not expire"
		if d := daysLeft(k.ValidTo, now); d != nil {
			s = fmt.Sprintf("Enabled, material expires %s (%d days left)", k.ValidTo.UTC().Format(time.RFC3339), *d)
		}
		s += ": a reimport of the same material sets a new ValidTo"
		if k.KeySpec == string(types.KeySpecSymmetricDefault) {
			s += " (wrap --import-type EXISTING_KEY_MATERIAL); new material rotates (--import-type NEW_KEY_MATERIAL)"
		}
		return s, nil
	case types.KeyStatePendingImport:
	default:
		return clikit.Escape(k.State), nil
	}
	if k.KeySpec != string(types.KeySpecSymmetricDefault) {
		return "PendingImport: a first import, or a reimport of the same material after it expired or was deleted", nil
	}
	mats, err := listMaterials(ctx, api, k.ARN, now)
	switch {
	case err != nil && unsupported(err):
		return "PendingImport: a first import, or a reimport of the same material after it expired or was deleted (this endpoint does not list key materials)", nil
	case err != nil:
		return "", explainCommon(k.ARN, err)
	}
	var gone []string
	for _, m := range mats {
		if m.ImportState == string(types.ImportStatePendingImport) && m.KeyMaterialID != "" {
			gone = append(gone, clikit.Escape(m.KeyMaterialID))
		}
	}
	switch {
	case len(gone) > 0:
		return "PendingImport, a reimport: key material " + strings.Join(gone, ", ") + " expired or was deleted; only the same material restores it (wrap --import-type EXISTING_KEY_MATERIAL --key-material-id ID)", nil
	case len(mats) == 0:
		return "PendingImport, a first import: no material was ever imported", nil
	}
	return "PendingImport", nil
}
