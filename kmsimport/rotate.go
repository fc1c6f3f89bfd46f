package kmsimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsrules"
	progressbar "github.com/airwrap/airwrap/progress"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// DefaultRotateRate is RotateKeyOnDemand's default quota: 5 requests per
// second per account and Region. Throttling beyond it is retried by the SDK.
const DefaultRotateRate = 5.0

// Outcomes of a rotation (Rotation.Outcome). A rotation also ends
// "failed" or "not-attempted", as an import does.
const (
	OutcomeRotated     = "rotated"      // RotateKeyOnDemand accepted the request
	OutcomeWouldRotate = "would-rotate" // --dry-run: every check passed, nothing sent
	// OutcomeRotatesWithPrimary: a multi-Region replica; KMS refuses
	// RotateKeyOnDemand there, and the rotation of its primary rotates it.
	OutcomeRotatesWithPrimary = "rotates-with-primary"
	// OutcomeNotNeeded: the key held no material before, so the import
	// made the new material CURRENT at once.
	OutcomeNotNeeded = "not-needed"
)

// Rotation errors, checked with errors.Is.
var (
	// ErrNothingToRotate: --rotate given for a bundle with no
	// NEW_KEY_MATERIAL entry (a usage error, before any request).
	ErrNothingToRotate = errors.New("nothing to rotate: no entry imports NEW_KEY_MATERIAL")
	// ErrNoPendingRotation: the key holds no material in PENDING_ROTATION,
	// or not the one this run imported.
	ErrNoPendingRotation = errors.New("no key material PENDING_ROTATION")
	// ErrReplicaRotation: RotateKeyOnDemand asked of a multi-Region replica.
	ErrReplicaRotation = errors.New("a multi-Region replica is rotated through its primary")
	// ErrReplicaNotReady: a replica of the key did not take the new material
	// in this run, so its primary is not rotated.
	ErrReplicaNotReady = errors.New("a replica does not hold the new material")
)

// Rotation is what a rotation to new key material did for one key.
type Rotation struct {
	KeyARN  string `json:"key_arn"`
	Outcome string `json:"outcome"` // rotated, would-rotate, rotates-with-primary, failed, not-attempted
	// PendingKeyMaterialID is the material ListKeyRotations showed
	// PENDING_ROTATION before the request ("": not listed).
	PendingKeyMaterialID string `json:"pending_key_material_id,omitempty"`
	// CurrentKeyMaterialID is the material ListKeyRotations showed CURRENT
	// after the request ("": it could not tell yet).
	CurrentKeyMaterialID string    `json:"current_key_material_id,omitempty"`
	RequestID            string    `json:"request_id,omitempty"`
	Time                 time.Time `json:"time"`
	Note                 string    `json:"note,omitempty"`
	Error                string    `json:"error,omitempty"`
}

// RotateCommand is the command that completes a rotation later.
func RotateCommand(arn string) string {
	return "airwrap-online rotate --key-id " + arn
}

// RotationStoppedError: submit was interrupted in its rotation phase, after
// every import. ARNs are the keys whose new material this run imported and
// did not rotate: it stays PENDING_ROTATION until RotateCommand. Submitting
// the bundle again would not help (KMS refuses new material it holds).
type RotationStoppedError struct {
	ARNs []string
	Err  error
}

func (e *RotationStoppedError) Error() string { return e.Err.Error() }
func (e *RotationStoppedError) Unwrap() error { return e.Err }

// CheckRotate refuses a --rotate for a payload with no NEW_KEY_MATERIAL
// entry: nothing of the bundle can become PENDING_ROTATION.
func CheckRotate(p *bundle.ImportPayload) error {
	for _, e := range p.Entries {
		if e.ImportType == bundle.ImportNew {
			return nil
		}
	}
	return fmt.Errorf("%w: --rotate: %w (wrap with --import-type NEW_KEY_MATERIAL)", ErrUsage, ErrNothingToRotate)
}

// rotatePhase runs after every import of a submit: each NEW_KEY_MATERIAL
// entry whose import this run (or the run it resumes) made is rotated on its key (in the key's
// Region), paced to rate. A replica is not rotated (KMS refuses it there):
// its primary's rotation covers it, and a primary is not rotated while a
// replica of it in this batch failed its import.
func rotatePhase(ctx context.Context, api API, p *bundle.ImportPayload, rc *Receipt, before []KeyInfo, req SubmitRequest, progress io.Writer) error {
	rate := rateOr(req.RotateRate, DefaultRotateRate)
	rctx := context.WithoutCancel(ctx)
	var todo []int
	for i, e := range p.Entries {
		// A replica's share of new material (key_material_id_from) is
		// rotated with its primary: listed, never sent.
		if e.ImportType == bundle.ImportNew || e.KeyMaterialIDFrom != "" {
			todo = append(todo, i)
		}
	}
	pace := newPacer(rate)
	bar := progressbar.New(progress, "rotating", len(todo))
	defer bar.Done()
	var errs []error
	for _, i := range todo {
		e, re := p.Entries[i], &rc.Entries[i]
		rot := &Rotation{KeyARN: e.KeyARN, Outcome: OutcomeNotAttempted, Time: req.Now().UTC()}
		re.Rotation = rot
		var err error
		switch {
		case re.StateBefore == string(types.KeyStatePendingImport):
			rot.Outcome = OutcomeNotNeeded
			rot.Note = "the key held no material: the import made it CURRENT"
		case req.DryRun:
			rot.Outcome = OutcomeWouldRotate
			if before[i].MultiRegionRole == string(types.MultiRegionKeyTypeReplica) {
				rot.Outcome = OutcomeRotatesWithPrimary
			}
		case re.Outcome != OutcomeImported && re.Outcome != OutcomeImportedEarlier:
			rot.Note = "not rotated: neither this run nor the one it resumes imported the entry's material"
		case before[i].MultiRegionRole == string(types.MultiRegionKeyTypeReplica):
			rot.Outcome = OutcomeRotatesWithPrimary
			rot.Note = "a multi-Region replica: KMS rotates it with its primary (RotateKeyOnDemand on the primary)"
		default:
			if j := failedReplica(p, rc, i); j >= 0 {
				err = fmt.Errorf("%s: %w: entries[%d] (%s) did not import it: import it there, then %s", clikit.Escape(e.KeyARN), ErrReplicaNotReady, j, clikit.Escape(p.Entries[j].KeyARN), RotateCommand(e.KeyARN))
				rot.Outcome, rot.Error = OutcomeFailed, err.Error()
				break
			}
			if pace.wait(ctx) != nil || Stopped(ctx) != nil {
				stop := &RotationStoppedError{Err: fmt.Errorf("%w: every import is done; rotation stopped before entries[%d]: the new material stays PENDING_ROTATION", Stopped(ctx), i)}
				for _, j := range todo {
					if j >= i && (rc.Entries[j].Outcome == OutcomeImported || rc.Entries[j].Outcome == OutcomeImportedEarlier) && rc.Entries[j].StateBefore == string(types.KeyStateEnabled) && before[j].MultiRegionRole != string(types.MultiRegionKeyTypeReplica) {
						stop.ARNs = append(stop.ARNs, p.Entries[j].KeyARN)
					}
				}
				return errors.Join(append(errs, stop)...)
			}
			*rot, err = rotateKey(rctx, ForKey(api, e.KeyARN), e.KeyARN, re.KeyMaterialID, false, req.Now)
		}
		line := fmt.Sprintf("rotate %s: %s", e.KeyARN, rot.Outcome)
		if rot.CurrentKeyMaterialID != "" {
			line += " (current key material " + clikit.Escape(rot.CurrentKeyMaterialID) + ")"
		}
		if rot.Note != "" {
			line += ": " + rot.Note
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("entries[%d].rotation: %w", i, err))
			bar.Print(line)
		} else {
			bar.Plain(line)
		}
		bar.Step()
	}
	return errors.Join(errs...)
}

// failedReplica is the index of an entry for another Region of the same
// multi-Region key as entry i that did not import, or -1.
func failedReplica(p *bundle.ImportPayload, rc *Receipt, i int) int {
	id := keyIDOf(p.Entries[i].KeyARN)
	for j, e := range p.Entries {
		if j != i && e.KeyARN != p.Entries[i].KeyARN && keyIDOf(e.KeyARN) == id && !rc.Entries[j].holds() {
			return j
		}
	}
	return -1
}

func keyIDOf(arn string) string {
	a, err := kmsrules.ParseARN(arn)
	if err != nil {
		return arn
	}
	return a.KeyID
}

// pendingMaterials lists the key's materials in PENDING_ROTATION; listed
// is false when the endpoint cannot list them.
func pendingMaterials(ctx context.Context, api API, arn string, now time.Time) (pending []Material, all []Material, listed bool, err error) {
	mats, err := listMaterials(ctx, api, arn, now)
	if err != nil {
		if unsupported(err) {
			return nil, nil, false, nil
		}
		return nil, nil, false, explainCommon(arn, err)
	}
	for _, m := range mats {
		if m.State == string(types.KeyMaterialStatePendingRotation) {
			pending = append(pending, m)
		}
	}
	return pending, mats, true, nil
}

// rotateKey confirms with ListKeyRotations that want (the KeyMaterialId an
// import returned; "" any) is PENDING_ROTATION, unless checked already
// (CheckRotatable), calls RotateKeyOnDemand, and lists the materials again
// to record the one now CURRENT. An endpoint that cannot list materials is
// rotated without that check.
func rotateKey(ctx context.Context, api API, arn, want string, checked bool, now func() time.Time) (Rotation, error) {
	rot := Rotation{KeyARN: arn, Outcome: OutcomeFailed, PendingKeyMaterialID: want}
	fail := func(err error) (Rotation, error) {
		rot.Time, rot.Error = now().UTC(), err.Error()
		return rot, err
	}
	var (
		pending, all []Material
		listed       bool
		err          error
	)
	if !checked {
		if pending, all, listed, err = pendingMaterials(ctx, api, arn, now()); err != nil {
			return fail(err)
		}
	}
	if listed {
		switch {
		case want != "" && stateOf(all, want) == string(types.KeyMaterialStateCurrent):
			rot.Outcome, rot.Time, rot.CurrentKeyMaterialID = OutcomeRotated, now().UTC(), want
			rot.Note = "already CURRENT: no request sent"
			return rot, nil
		case want != "" && stateOf(all, want) == string(types.KeyMaterialStatePendingMultiRegionImportAndRotation):
			return fail(fmt.Errorf("%s: %w: KMS holds the material imported (%s) as PENDING_MULTI_REGION_IMPORT_AND_ROTATION: import it into every replica (EXISTING_KEY_MATERIAL with this KeyMaterialId), then %s", clikit.Escape(arn), ErrReplicaNotReady, clikit.Escape(want), RotateCommand(clikit.Escape(arn))))
		case want != "" && !hasMaterial(pending, want):
			return fail(fmt.Errorf("%s: %w: the material imported (%s) is not PENDING_ROTATION (`airwrap-online status --key-id %s` lists them)", clikit.Escape(arn), ErrNoPendingRotation, clikit.Escape(want), clikit.Escape(arn)))
		case len(pending) == 0:
			return fail(fmt.Errorf("%s: %w: import NEW_KEY_MATERIAL first (`airwrap-online status --key-id %s` lists the key's materials)", clikit.Escape(arn), ErrNoPendingRotation, clikit.Escape(arn)))
		}
		rot.PendingKeyMaterialID = pending[0].KeyMaterialID
		if want != "" {
			rot.PendingKeyMaterialID = want
		}
	}
	out, err := api.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(arn)})
	if err != nil {
		rot.RequestID = RequestID(err)
		return fail(explainRotate(arn, err))
	}
	rot.Outcome, rot.Time = OutcomeRotated, now().UTC()
	rot.RequestID, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if _, after, ok, err := pendingMaterials(ctx, api, arn, now()); err == nil && ok {
		for _, m := range after {
			if m.State == string(types.KeyMaterialStateCurrent) && (rot.PendingKeyMaterialID == "" || m.KeyMaterialID == rot.PendingKeyMaterialID) {
				rot.CurrentKeyMaterialID = m.KeyMaterialID
			}
		}
	}
	if rot.CurrentKeyMaterialID == "" {
		rot.Note = "rotation requested; KMS completes it shortly: `airwrap-online status --key-id " + clikit.Escape(arn) + "` shows the material CURRENT"
	}
	return rot, nil
}

// waitingForReplicas is the id of a material KMS holds until every replica
// has it, or "".
func waitingForReplicas(mats []Material) string {
	for _, m := range mats {
		if m.State == string(types.KeyMaterialStatePendingMultiRegionImportAndRotation) {
			return m.KeyMaterialID
		}
	}
	return ""
}

func stateOf(mats []Material, id string) string {
	for _, m := range mats {
		if m.KeyMaterialID == id {
			return m.State
		}
	}
	return ""
}

func hasMaterial(mats []Material, id string) bool {
	for _, m := range mats {
		if m.KeyMaterialID == id {
			return true
		}
	}
	return false
}

// explainRotate maps a RotateKeyOnDemand error to an operator's sentence.
func explainRotate(arn string, err error) error {
	var unsup *types.UnsupportedOperationException
	if errors.As(fromKMS(err), &unsup) {
		return fmt.Errorf("%s: %w: RotateKeyOnDemand refused (%w)", clikit.Escape(arn), ErrUnsupported, fromKMS(err))
	}
	return explainCommon(arn, err)
}

// RotateKeysRequest is a rotation completed later (airwrap-online rotate):
// keys whose new material is already PENDING_ROTATION.
type RotateKeysRequest struct {
	KeyARNs  []string
	DryRun   bool
	Rate     float64 // RotateKeyOnDemand per second; 0: DefaultRotateRate
	Progress io.Writer
	Now      func() time.Time
}

// PendingRotation is what ListKeyRotations shows of a key before a rotation.
type PendingRotation struct {
	Key     KeyInfo
	Pending []Material
}

// CheckRotatable describes every key and lists its materials (each in the
// Region of its ARN), and reports every key that cannot be rotated at once:
// not a symmetric EXTERNAL key, a multi-Region replica, not Enabled, or no
// material PENDING_ROTATION. Nothing is rotated.
func CheckRotatable(ctx context.Context, api API, keys []string, now time.Time) ([]PendingRotation, error) {
	out := make([]PendingRotation, len(keys))
	var errs []error
	for i, k := range keys {
		path := fmt.Sprintf("--key-id %s", clikit.Escape(k))
		kapi := ForKey(api, k)
		info, err := describe(ctx, kapi, k)
		out[i].Key = info
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		arn := clikit.Escape(info.ARN)
		var bad []error
		if info.Origin != string(types.OriginTypeExternal) || info.KeySpec != string(types.KeySpecSymmetricDefault) {
			bad = append(bad, fmt.Errorf("%s: %w: %s is %s of origin %s: only symmetric keys of origin EXTERNAL rotate to imported material", path, ErrKeyNotImportable, arn, clikit.Escape(info.KeySpec), clikit.Escape(info.Origin)))
		}
		if info.MultiRegionRole == string(types.MultiRegionKeyTypeReplica) {
			bad = append(bad, fmt.Errorf("%s: %w: %s is a replica: rotate its primary (KMS rotates every replica with it)", path, ErrReplicaRotation, arn))
		}
		if info.State != string(types.KeyStateEnabled) {
			bad = append(bad, &KeyStateError{ARN: arn, Err: fmt.Errorf("%s: %w: %s is %s, want Enabled", path, ErrKeyState, arn, clikit.Escape(info.State))})
		}
		if len(bad) > 0 {
			errs = append(errs, bad...)
			continue
		}
		pending, all, listed, err := pendingMaterials(ctx, kapi, info.ARN, now)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
		case len(pending) == 0 && waitingForReplicas(all) != "":
			errs = append(errs, fmt.Errorf("%s: %w: key material %s of %s is PENDING_MULTI_REGION_IMPORT_AND_ROTATION: import it into every replica (EXISTING_KEY_MATERIAL with this KeyMaterialId) first", path, ErrReplicaNotReady, clikit.Escape(waitingForReplicas(all)), arn))
		case !listed:
			errs = append(errs, fmt.Errorf("%s: %w: this KMS endpoint does not list key materials (ListKeyRotations), so what would become current cannot be shown", path, ErrUnsupported))
		case len(pending) == 0:
			errs = append(errs, fmt.Errorf("%s: %w: %s holds none: import NEW_KEY_MATERIAL first (`airwrap-online status --key-id %s` lists its materials)", path, ErrNoPendingRotation, arn, arn))
		}
		out[i].Pending = pending
	}
	return out, errors.Join(errs...)
}

// RotateKeys rotates each key checked by CheckRotatable to its material
// PENDING_ROTATION, paced to the quota. Every key's result is returned even
// on failure.
func RotateKeys(ctx context.Context, api API, keys []PendingRotation, req RotateKeysRequest) ([]Rotation, error) {
	req.Now = clockOr(req.Now)
	progress := progressOr(req.Progress)
	rate := rateOr(req.Rate, DefaultRotateRate)
	out := make([]Rotation, len(keys))
	for i, k := range keys {
		out[i] = Rotation{KeyARN: k.Key.ARN, Outcome: OutcomeNotAttempted, Time: req.Now().UTC()}
		if len(k.Pending) > 0 {
			out[i].PendingKeyMaterialID = k.Pending[0].KeyMaterialID
		}
	}
	rctx := context.WithoutCancel(ctx)
	pace := newPacer(rate)
	bar := progressbar.New(progress, "rotating", len(keys))
	defer bar.Done()
	var errs []error
	for i, k := range keys {
		if req.DryRun {
			out[i].Outcome = OutcomeWouldRotate
			continue
		}
		if pace.wait(ctx) != nil || Stopped(ctx) != nil {
			errs = append(errs, fmt.Errorf("%w: %d of %d keys rotated; the rest stay PENDING_ROTATION", Stopped(ctx), i, len(keys)))
			break
		}
		rot, err := rotateKey(rctx, ForKey(api, k.Key.ARN), k.Key.ARN, out[i].PendingKeyMaterialID, true, req.Now)
		out[i] = rot
		line := fmt.Sprintf("[%d/%d] %s: %s", i+1, len(keys), k.Key.ARN, rot.Outcome)
		if err != nil {
			errs = append(errs, fmt.Errorf("--key-id %s: %w", clikit.Escape(k.Key.ARN), err))
			bar.Print(line)
		} else {
			bar.Plain(line)
		}
		bar.Step()
	}
	return out, errors.Join(errs...)
}
