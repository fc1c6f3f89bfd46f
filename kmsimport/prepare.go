package kmsimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsrules"
	progressbar "github.com/airwrap/airwrap/progress"
	"github.com/airwrap/airwrap/verify"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// DefaultWrappingKeySpec is what AWS recommends.
const DefaultWrappingKeySpec = "RSA_4096"

// A new replica is Creating until KMS has made it in its Region (usually
// seconds); prepare describes it again every DefaultReplicaPoll, for at most
// DefaultReplicaWait.
const (
	DefaultReplicaPoll = 2 * time.Second
	DefaultReplicaWait = 5 * time.Minute
)

// PrepareRequest asks for import parameters for existing keys and, with
// Create, for a new EXTERNAL key created first.
type PrepareRequest struct {
	KeyIDs            []string
	Create            *CreateKeyRequest
	WrappingAlgorithm string  // "": the strongest that fits each key's spec
	WrappingKeySpec   string  // "": DefaultWrappingKeySpec
	Rate              float64 // GetParametersForImport per second; 0: DefaultRate
	Progress          io.Writer
	ToolVersion       string
	Now               func() time.Time
	// Created, if set, is called as soon as CreateKey or ReplicateKey has
	// made a key: the key exists from then on, whatever fails after.
	Created func(KeyInfo)
	// ReplicaPoll is how often a replica still Creating is described again
	// (0: DefaultReplicaPoll); ReplicaWait bounds the wait (0: DefaultReplicaWait).
	ReplicaPoll, ReplicaWait time.Duration
	// TokenExports, when not nil, is what the offline token exports, by key
	// spec (verify.OpenCapabilities): algorithms are chosen among those, and
	// a key whose spec it cannot export is refused before any
	// GetParametersForImport (kmsrules.ChooseTokenAlgorithm).
	TokenExports kmsrules.TokenExports
}

// Prepare validates req completely, creates the key if asked, checks every
// key with DescribeKey, then fetches parameters paced to req.Rate. A
// cancelled ctx stops it between two requests (ErrInterrupted): the request
// in flight is let finish, so that no key is created unseen.
func Prepare(ctx context.Context, api API, req PrepareRequest) (*bundle.Params, error) {
	if req.WrappingKeySpec == "" {
		req.WrappingKeySpec = DefaultWrappingKeySpec
	}
	if req.Rate == 0 {
		req.Rate = DefaultRate
	}
	req.Now = clockOr(req.Now)
	progress := progressOr(req.Progress)
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if err := req.CheckPrimaryRegion(RegionOf(api)); err != nil {
		return nil, err
	}

	rctx := context.WithoutCancel(ctx) // each request; ctx stops the run between them
	ids := append([]string(nil), req.KeyIDs...)
	if req.Create != nil {
		if err := Stopped(ctx); err != nil {
			return nil, fmt.Errorf("%w: no key created, no parameters fetched", err)
		}
		info, err := CreateKey(rctx, api, *req.Create)
		if err != nil {
			return nil, err
		}
		if req.Created != nil {
			req.Created(info)
		}
		fmt.Fprintf(progress, "created %s (%s, origin EXTERNAL, PendingImport)\n", clikit.Escape(info.ARN), clikit.Escape(info.KeySpec))
		ids = append(ids, info.ARN)
		replicas, err := req.replicate(ctx, rctx, api, info, progress)
		if err != nil {
			return nil, err
		}
		ids = append(ids, replicas...)
	}

	// Every key is checked before the first GetParametersForImport.
	type planned struct {
		info KeyInfo
		alg  string
	}
	var plan []planned
	var errs []error
	seen := map[string]string{}
	for i, id := range ids {
		path := fmt.Sprintf("keys[%d]", i)
		if err := Stopped(ctx); err != nil {
			return nil, fmt.Errorf("%w: while checking the keys, before any parameters were fetched", err)
		}
		info, err := describe(rctx, api, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		if prev, dup := seen[info.ARN]; dup {
			errs = append(errs, fmt.Errorf("%s: %w: %s is the same key as %s", path, ErrUsage, id, prev))
			continue
		}
		seen[info.ARN] = path
		if err := info.Importable(path); err != nil {
			errs = append(errs, err)
			continue
		}
		alg, err := kmsrules.ChooseTokenAlgorithm(kmsrules.KeySpec(info.KeySpec), kmsrules.WrappingAlgorithm(req.WrappingAlgorithm), kmsrules.WrappingKeySpec(req.WrappingKeySpec), req.TokenExports)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", path, clikit.Escape(info.ARN), err))
			continue
		}
		// What this import will be: first import, reimport, or material in place.
		sit, err := Situation(rctx, api, info, req.Now())
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		fmt.Fprintf(progress, "%s: %s\n", clikit.Escape(info.ARN), sit)
		plan = append(plan, planned{info, string(alg)})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	n := len(plan)
	if n > 1 {
		d := time.Duration(float64(n-1) / req.Rate * float64(time.Second))
		fmt.Fprintf(progress, "fetching parameters for %d keys at %g/s: about %s\n", n, req.Rate, d.Round(time.Second))
	}
	pace := newPacer(req.Rate)
	out := &bundle.Params{Type: bundle.ParamsType, ToolVersion: req.ToolVersion}
	bar := progressbar.New(progress, "parameters", n)
	defer bar.Done()
	for i, p := range plan {
		if pace.wait(ctx) != nil || Stopped(ctx) != nil {
			return nil, fmt.Errorf("%w: parameters fetched for %d of %d keys, not written (they are one file); keys[%d:] not fetched", Stopped(ctx), i, n, i)
		}
		e, err := getParameters(rctx, api, p.info, p.alg, req.WrappingKeySpec)
		if err != nil {
			return nil, fmt.Errorf("keys[%d]: %w", i, err)
		}
		bar.Plain(fmt.Sprintf("[%d/%d] %s: %s %s, valid until %s", i+1, n, clikit.Escape(e.KeyARN), e.WrappingAlgorithm, e.WrappingKeySpec, e.ParametersValidTo.Format(time.RFC3339)))
		bar.Step()
		out.Entries = append(out.Entries, e)
	}
	out.CreatedAt = req.Now().UTC().Truncate(time.Second)
	// Check right after acting: the offline half will run the same check.
	if err := verify.CheckParams(out, req.Now()); err != nil {
		return nil, fmt.Errorf("the parameters KMS returned do not pass airwrap's checks: %w", err)
	}
	return out, nil
}

// CheckUsage reports, every problem at once and in the CLI's words, the
// choices the request lacks: keys named or one to create, and what --create
// needs (ErrUsage). The CLI reports them as bad usage (exit 2).
func (req PrepareRequest) CheckUsage() error {
	if len(req.KeyIDs) == 0 && req.Create == nil {
		return errmark.With(errors.New("name the keys with --key-id or --keys-file, or --create one"), ErrUsage)
	}
	if req.Create != nil {
		return req.Create.checkUsage()
	}
	return nil
}

// CheckPrimaryRegion refuses, with --create, a --replica-region that is
// primary, the Region the client sends to (where CreateKey makes the
// primary): a replica goes to another Region (ErrUsage).
func (req PrepareRequest) CheckPrimaryRegion(primary string) error {
	if req.Create == nil {
		return nil
	}
	return req.Create.checkPrimaryRegion(primary)
}

// Validate reports every problem with the request at once (ErrUsage), before
// any AWS call: CheckUsage, then the values given.
func (req PrepareRequest) Validate() error {
	errs := []error{req.CheckUsage()}
	if _, err := kmsrules.ParseWrappingKeySpec(req.WrappingKeySpec); err != nil {
		errs = append(errs, fmt.Errorf("%w: wrapping-key-spec %q: want RSA_2048, RSA_3072 or RSA_4096", ErrUsage, req.WrappingKeySpec))
	}
	if req.WrappingAlgorithm != "" {
		if _, err := kmsrules.ParseWrappingAlgorithm(req.WrappingAlgorithm); err != nil {
			errs = append(errs, fmt.Errorf("wrapping-algorithm: %w", err))
		}
	}
	if req.Rate <= 0 {
		errs = append(errs, fmt.Errorf("%w: rate must be positive", ErrUsage))
	}
	for i, id := range req.KeyIDs {
		if id == "" {
			errs = append(errs, fmt.Errorf("%w: keys[%d]: empty key id", ErrUsage, i))
		}
	}
	if req.Create != nil {
		if err := req.Create.validateValues(); err != nil {
			errs = append(errs, err)
		} else if req.Create.checkUsage() == nil && (req.WrappingAlgorithm != "" || req.TokenExports != nil) {
			if _, err := kmsrules.ChooseTokenAlgorithm(kmsrules.KeySpec(req.Create.KeySpec), kmsrules.WrappingAlgorithm(req.WrappingAlgorithm), kmsrules.WrappingKeySpec(req.WrappingKeySpec), req.TokenExports); err != nil {
				errs = append(errs, fmt.Errorf("create.key-spec: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

func getParameters(ctx context.Context, api API, k KeyInfo, alg, wks string) (bundle.ParamsEntry, error) {
	out, err := ForKey(api, k.ARN).GetParametersForImport(ctx, &kms.GetParametersForImportInput{
		KeyId:             aws.String(k.ARN),
		WrappingAlgorithm: types.AlgorithmSpec(alg),
		WrappingKeySpec:   types.WrappingKeySpec(wks),
	})
	if err != nil {
		return bundle.ParamsEntry{}, explainCommon(k.ARN, err)
	}
	if got := aws.ToString(out.KeyId); got != k.ARN {
		return bundle.ParamsEntry{}, fmt.Errorf("%s: %w: GetParametersForImport answered for %q", clikit.Escape(k.ARN), ErrKeyMismatch, got)
	}
	if _, err := kmsrules.CheckWrappingPublicKey(out.PublicKey, kmsrules.WrappingKeySpec(wks)); err != nil {
		return bundle.ParamsEntry{}, fmt.Errorf("%s: %w", clikit.Escape(k.ARN), err)
	}
	if len(out.ImportToken) == 0 || out.ParametersValidTo == nil {
		return bundle.ParamsEntry{}, fmt.Errorf("%s: GetParametersForImport returned no import token or no validity", clikit.Escape(k.ARN))
	}
	return bundle.ParamsEntry{
		KeyARN:            k.ARN,
		Account:           k.Account,
		Region:            k.Region,
		KeySpec:           k.KeySpec,
		KeyUsage:          k.KeyUsage,
		MultiRegion:       k.MultiRegion,
		MultiRegionRole:   k.MultiRegionRole,
		WrappingAlgorithm: alg,
		WrappingKeySpec:   wks,
		PublicKey:         out.PublicKey,
		ImportToken:       out.ImportToken,
		ParametersValidTo: out.ParametersValidTo.UTC(),
	}, nil
}

// replicate makes each replica of the new primary (Replicate) and waits
// until none is Creating any more, returning their ARNs in the order asked.
func (req PrepareRequest) replicate(ctx, rctx context.Context, api API, primary KeyInfo, progress io.Writer) ([]string, error) {
	var arns []string
	for _, region := range req.Create.ReplicaRegions {
		if err := Stopped(ctx); err != nil {
			return nil, fmt.Errorf("%w: replicas not made in %s; no parameters fetched", err, regionList(req.Create.ReplicaRegions[len(arns):]))
		}
		info, err := Replicate(rctx, api, primary, *req.Create, region)
		if err != nil {
			return nil, err
		}
		if req.Created != nil {
			req.Created(info)
		}
		fmt.Fprintf(progress, "replicated to %s: %s (%s)\n", region, clikit.Escape(info.ARN), clikit.Escape(info.State))
		arns = append(arns, info.ARN)
	}
	poll, wait := req.ReplicaPoll, req.ReplicaWait
	if poll <= 0 {
		poll = DefaultReplicaPoll
	}
	if wait <= 0 {
		wait = DefaultReplicaWait
	}
	for _, arn := range arns {
		if err := awaitCreated(ctx, rctx, api, arn, poll, wait, progress); err != nil {
			return nil, err
		}
	}
	return arns, nil
}

func regionList(rs []string) string { return strings.Join(rs, ", ") }

// awaitCreated describes the key (in its Region) until it is no longer
// Creating, every poll, for at most wait; a cancelled ctx stops it.
func awaitCreated(ctx, rctx context.Context, api API, arn string, poll, wait time.Duration, progress io.Writer) error {
	deadline := time.Now().Add(wait)
	for {
		info, err := describe(rctx, api, arn)
		if err != nil {
			return err
		}
		if info.State != string(types.KeyStateCreating) {
			return nil
		}
		if time.Now().Add(poll).After(deadline) {
			return fmt.Errorf("%s: %w: still Creating after %s; continue with prepare --key-id once KMS has made it", clikit.Escape(arn), ErrKeyNotImportable, wait)
		}
		fmt.Fprintf(progress, "%s is Creating: waiting %s\n", clikit.Escape(arn), poll)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: while %s was Creating; no parameters fetched", Stopped(ctx), clikit.Escape(arn))
		case <-time.After(poll):
		}
	}
}
