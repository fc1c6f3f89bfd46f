// Package kmsimport is the online half of airwrap: it prepares import
// parameters, submits verified import bundles to AWS KMS, reports key material
// status and proves what was imported. It never imports hsm/ and needs no cgo.
package kmsimport

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// API is the part of the KMS client airwrap uses. *kms.Client implements it.
type API interface {
	CreateKey(context.Context, *kms.CreateKeyInput, ...func(*kms.Options)) (*kms.CreateKeyOutput, error)
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetParametersForImport(context.Context, *kms.GetParametersForImportInput, ...func(*kms.Options)) (*kms.GetParametersForImportOutput, error)
	ImportKeyMaterial(context.Context, *kms.ImportKeyMaterialInput, ...func(*kms.Options)) (*kms.ImportKeyMaterialOutput, error)
	DeleteImportedKeyMaterial(context.Context, *kms.DeleteImportedKeyMaterialInput, ...func(*kms.Options)) (*kms.DeleteImportedKeyMaterialOutput, error)
	ListKeyRotations(context.Context, *kms.ListKeyRotationsInput, ...func(*kms.Options)) (*kms.ListKeyRotationsOutput, error)
	GetPublicKey(context.Context, *kms.GetPublicKeyInput, ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error)
	GenerateMac(context.Context, *kms.GenerateMacInput, ...func(*kms.Options)) (*kms.GenerateMacOutput, error)
	Encrypt(context.Context, *kms.EncryptInput, ...func(*kms.Options)) (*kms.EncryptOutput, error)
	Decrypt(context.Context, *kms.DecryptInput, ...func(*kms.Options)) (*kms.DecryptOutput, error)
	ReplicateKey(context.Context, *kms.ReplicateKeyInput, ...func(*kms.Options)) (*kms.ReplicateKeyOutput, error)
	RotateKeyOnDemand(context.Context, *kms.RotateKeyOnDemandInput, ...func(*kms.Options)) (*kms.RotateKeyOnDemandOutput, error)
}

var _ API = (*kms.Client)(nil)

// ClientOptions select the account, Region and endpoint. Everything left
// empty comes from the SDK's standard configuration (environment, shared
// config and credentials files, SSO, AWS_ENDPOINT_URL_KMS).
type ClientOptions struct {
	Profile     string
	Region      string
	EndpointURL string
	HTTPClient  aws.HTTPClient // nil: the SDK's default
	// MaxAttempts per request, retries included (0: DefaultMaxAttempts).
	MaxAttempts int
	// MaxBackoff caps the delay between attempts (0: DefaultMaxBackoff).
	MaxBackoff time.Duration
	// RequestTimeout bounds each attempt, so an endpoint that accepts a
	// request and never answers cannot stall a batch forever; the attempt
	// then counts as a connection error and is retried (0: DefaultRequestTimeout).
	RequestTimeout time.Duration
}

// Retry defaults: KMS quotas are low (GetParametersForImport 1/s), so retry
// patiently.
const (
	DefaultMaxAttempts    = 8
	DefaultMaxBackoff     = 20 * time.Second
	DefaultRequestTimeout = 60 * time.Second
)

// retryableCodes are KMS errors worth another attempt on top of the SDK's
// defaults (throttling, 500/502/503/504, connection errors).
var retryableCodes = map[string]struct{}{
	"DependencyTimeoutException": {},
	"KMSInternalException":       {},
}

// NewClient builds a KMS client from the standard configuration and o.
func NewClient(ctx context.Context, o ClientOptions) (*kms.Client, error) {
	var opts []func(*config.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	attempts, backoff := o.MaxAttempts, o.MaxBackoff
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	if backoff <= 0 {
		backoff = DefaultMaxBackoff
	}
	timeout := o.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	opts = append(opts, config.WithRetryer(func() aws.Retryer { return newRetryer(attempts, backoff) }),
		// The SDK's own buildable client, so AWS_CA_BUNDLE still applies.
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(timeout)))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, ErrNoRegion
	}
	return kms.NewFromConfig(cfg, func(ko *kms.Options) {
		// Set on the client, not the config: the config would try to add
		// AWS_CA_BUNDLE to it, which only the SDK's own client supports.
		if o.HTTPClient != nil {
			ko.HTTPClient = o.HTTPClient
		}
		if o.EndpointURL != "" {
			ko.BaseEndpoint = aws.String(o.EndpointURL)
		}
	}), nil
}

func newRetryer(attempts int, backoff time.Duration) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = attempts
		so.MaxBackoff = backoff
		so.Retryables = append(so.Retryables, retry.RetryableErrorCode{Codes: retryableCodes})
	})
}
