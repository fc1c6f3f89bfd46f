package kmsimport

import (
	"context"
	"errors"
	"fmt"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Tag is one KMS resource tag.
type Tag struct{ Key, Value string }

// CreateKeyRequest describes a new KMS key with origin EXTERNAL.
type CreateKeyRequest struct {
	KeySpec     string
	KeyUsage    string // "": ENCRYPT_DECRYPT (symmetric), GENERATE_VERIFY_MAC (HMAC), SIGN_VERIFY (RSA, EC)
	Description string
	MultiRegion bool
	// ReplicaRegions: with MultiRegion, a replica of the new primary is
	// made in each (ReplicateKey); none may be the primary's own Region.
	ReplicaRegions []string
	Tags           []Tag
}

// checkUsage: what --create needs, in the CLI's words (ErrUsage).
func (c CreateKeyRequest) checkUsage() error {
	var errs []error
	if c.KeySpec == "" {
		errs = append(errs, errmark.With(errors.New("--create needs --key-spec"), ErrUsage))
	}
	if c.Description == "" {
		errs = append(errs, errmark.With(errors.New("--create needs --description"), ErrUsage))
	}
	if len(c.ReplicaRegions) > 0 && !c.MultiRegion {
		errs = append(errs, errmark.With(errors.New("--replica-region needs --multi-region: only a multi-Region key has replicas"), ErrUsage))
	}
	regions := map[string]bool{}
	for i, r := range c.ReplicaRegions {
		if err := kmsrules.CheckRegion(r); err != nil {
			errs = append(errs, errmark.With(fmt.Errorf("create.replica_regions[%d]: %w", i, err), ErrUsage))
		} else if regions[r] {
			errs = append(errs, errmark.With(fmt.Errorf("create.replica_regions[%d]: --replica-region %s given twice", i, r), ErrUsage))
		}
		regions[r] = true
	}
	return errors.Join(errs...)
}

func (c CreateKeyRequest) validate() error {
	return errors.Join(c.checkUsage(), c.validateValues())
}

// validateValues checks what checkUsage does not: the values given.
func (c CreateKeyRequest) validateValues() error {
	var errs []error
	if c.KeySpec != "" {
		if _, err := kmsrules.ParseKeySpec(c.KeySpec); err != nil {
			errs = append(errs, fmt.Errorf("create.key-spec: %w", err))
		}
	}
	seen := map[string]bool{}
	for i, t := range c.Tags {
		if t.Key == "" {
			errs = append(errs, fmt.Errorf("%w: create.tags[%d]: empty tag key (want K=V)", ErrUsage, i))
		}
		if seen[t.Key] {
			errs = append(errs, fmt.Errorf("%w: create.tags[%d]: tag %q given twice", ErrUsage, i, t.Key))
		}
		seen[t.Key] = true
	}
	return errors.Join(errs...)
}

func defaultUsage(spec string) types.KeyUsageType {
	switch kmsrules.KeySpec(spec).Kind() {
	case kmsrules.KindSymmetric:
		return types.KeyUsageTypeEncryptDecrypt
	case kmsrules.KindHMAC:
		return types.KeyUsageTypeGenerateVerifyMac
	}
	return types.KeyUsageTypeSignVerify
}

// CreateKey creates a KMS key with origin EXTERNAL (it starts PendingImport).
func CreateKey(ctx context.Context, api API, c CreateKeyRequest) (KeyInfo, error) {
	if err := c.validate(); err != nil {
		return KeyInfo{}, err
	}
	usage := types.KeyUsageType(c.KeyUsage)
	if usage == "" {
		usage = defaultUsage(c.KeySpec)
	}
	in := &kms.CreateKeyInput{
		Origin:      types.OriginTypeExternal,
		KeySpec:     types.KeySpec(c.KeySpec),
		KeyUsage:    usage,
		Description: aws.String(c.Description),
		MultiRegion: aws.Bool(c.MultiRegion),
	}
	for _, t := range c.Tags {
		in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(t.Key), TagValue: aws.String(t.Value)})
	}
	out, err := api.CreateKey(ctx, in)
	if err != nil {
		return KeyInfo{}, explainCommon("create-key "+c.KeySpec, err)
	}
	if out.KeyMetadata == nil {
		return KeyInfo{}, errors.New("CreateKey returned no metadata")
	}
	return keyInfo(out.KeyMetadata), nil
}

// checkPrimaryRegion refuses a replica Region that is the primary's own:
// the primary is created in the client's Region (primary).
func (c CreateKeyRequest) checkPrimaryRegion(primary string) error {
	var errs []error
	for i, r := range c.ReplicaRegions {
		if primary != "" && r == primary {
			errs = append(errs, errmark.With(fmt.Errorf("create.replica_regions[%d]: --replica-region %s is the Region the primary is created in (--region or AWS_REGION): a replica goes to another Region", i, r), ErrUsage))
		}
	}
	return errors.Join(errs...)
}

// Replicate makes a replica of the multi-Region primary key in region
// (ReplicateKey, sent to the primary's Region), with the request's
// description and tags. KMS answers at once; the replica is Creating for a
// while (awaitReplica).
func Replicate(ctx context.Context, api API, primary KeyInfo, c CreateKeyRequest, region string) (KeyInfo, error) {
	in := &kms.ReplicateKeyInput{
		KeyId:         aws.String(primary.ARN),
		ReplicaRegion: aws.String(region),
		Description:   aws.String(c.Description),
	}
	for _, t := range c.Tags {
		in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(t.Key), TagValue: aws.String(t.Value)})
	}
	out, err := ForKey(api, primary.ARN).ReplicateKey(ctx, in)
	if err != nil {
		return KeyInfo{}, explainCommon("replicate-key "+primary.ARN+" to "+region, err)
	}
	if out.ReplicaKeyMetadata == nil {
		return KeyInfo{}, errors.New("ReplicateKey returned no metadata")
	}
	info := keyInfo(out.ReplicaKeyMetadata)
	if info.Region != region || info.KeyID != primary.KeyID {
		return info, fmt.Errorf("%w: ReplicateKey of %s to %s answered for %s", ErrKeyMismatch, clikit.Escape(primary.ARN), region, clikit.Escape(info.ARN))
	}
	return info, nil
}
