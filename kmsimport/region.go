package kmsimport

import (
	"context"

	"github.com/airwrap/airwrap/kmsrules"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// InRegion returns api with every request sent to region: the SDK signs for
// that Region and, unless an endpoint URL is configured, resolves that
// Region's endpoint. A multi-Region key's primary and replicas share a key
// id and differ only in the Region of their ARNs, so every call about one
// key must go to the Region its ARN names. region "" returns api unchanged.
func InRegion(api API, region string) API {
	if region == "" {
		return api
	}
	if r, ok := api.(regionAPI); ok {
		api = r.API
	}
	return regionAPI{api, region}
}

// ForKey is InRegion with the Region of keyARN; a bare key id (no ARN) keeps
// the client's own Region.
func ForKey(api API, keyARN string) API {
	a, err := kmsrules.ParseARN(keyARN)
	if err != nil {
		return api
	}
	return InRegion(api, a.Region)
}

// RegionOf is the Region api sends its requests to: InRegion's, or the
// client's own; "" when api does not say.
func RegionOf(api API) string {
	switch a := api.(type) {
	case regionAPI:
		return a.region
	case interface{ Options() kms.Options }:
		return a.Options().Region
	}
	return ""
}

type regionAPI struct {
	API
	region string
}

func (r regionAPI) opts(o []func(*kms.Options)) []func(*kms.Options) {
	return append([]func(*kms.Options){func(ko *kms.Options) { ko.Region = r.region }}, o...)
}

func (r regionAPI) CreateKey(ctx context.Context, in *kms.CreateKeyInput, o ...func(*kms.Options)) (*kms.CreateKeyOutput, error) {
	return r.API.CreateKey(ctx, in, r.opts(o)...)
}
func (r regionAPI) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, o ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return r.API.DescribeKey(ctx, in, r.opts(o)...)
}
func (r regionAPI) GetParametersForImport(ctx context.Context, in *kms.GetParametersForImportInput, o ...func(*kms.Options)) (*kms.GetParametersForImportOutput, error) {
	return r.API.GetParametersForImport(ctx, in, r.opts(o)...)
}
func (r regionAPI) ImportKeyMaterial(ctx context.Context, in *kms.ImportKeyMaterialInput, o ...func(*kms.Options)) (*kms.ImportKeyMaterialOutput, error) {
	return r.API.ImportKeyMaterial(ctx, in, r.opts(o)...)
}
func (r regionAPI) DeleteImportedKeyMaterial(ctx context.Context, in *kms.DeleteImportedKeyMaterialInput, o ...func(*kms.Options)) (*kms.DeleteImportedKeyMaterialOutput, error) {
	return r.API.DeleteImportedKeyMaterial(ctx, in, r.opts(o)...)
}
func (r regionAPI) ListKeyRotations(ctx context.Context, in *kms.ListKeyRotationsInput, o ...func(*kms.Options)) (*kms.ListKeyRotationsOutput, error) {
	return r.API.ListKeyRotations(ctx, in, r.opts(o)...)
}
func (r regionAPI) GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, o ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	return r.API.GetPublicKey(ctx, in, r.opts(o)...)
}
func (r regionAPI) GenerateMac(ctx context.Context, in *kms.GenerateMacInput, o ...func(*kms.Options)) (*kms.GenerateMacOutput, error) {
	return r.API.GenerateMac(ctx, in, r.opts(o)...)
}
func (r regionAPI) Encrypt(ctx context.Context, in *kms.EncryptInput, o ...func(*kms.Options)) (*kms.EncryptOutput, error) {
	return r.API.Encrypt(ctx, in, r.opts(o)...)
}
func (r regionAPI) Decrypt(ctx context.Context, in *kms.DecryptInput, o ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	return r.API.Decrypt(ctx, in, r.opts(o)...)
}
func (r regionAPI) ReplicateKey(ctx context.Context, in *kms.ReplicateKeyInput, o ...func(*kms.Options)) (*kms.ReplicateKeyOutput, error) {
	return r.API.ReplicateKey(ctx, in, r.opts(o)...)
}
func (r regionAPI) RotateKeyOnDemand(ctx context.Context, in *kms.RotateKeyOnDemandInput, o ...func(*kms.Options)) (*kms.RotateKeyOnDemandOutput, error) {
	return r.API.RotateKeyOnDemand(ctx, in, r.opts(o)...)
}
