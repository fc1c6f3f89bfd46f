package kmsimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	progressbar "github.com/airwrap/airwrap/progress"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// DeletionReceiptType identifies a delete-material receipt: a sibling of
// the submit receipt (ReceiptType), with the same entry shape, written the
// same way (MarshalDeletionReceipt, atomically, never replacing a file).
const DeletionReceiptType = "airwrap/deletion-receipt/v1"

// OutcomeDeleted: DeleteImportedKeyMaterial succeeded for this key.
const OutcomeDeleted = "deleted"

// DefaultDeleteRate is DeleteImportedKeyMaterial's default quota: 15
// requests per second per account and Region.
const DefaultDeleteRate = 15.0

// DeletionReceipt records what delete-material did, per key.
type DeletionReceipt struct {
	Type       string          `json:"type"`
	StartedAt  time.Time       `json:"started_at"`
	FinishedAt time.Time       `json:"finished_at"`
	Entries    []DeletionEntry `json:"entries"`
}

// DeletionEntry is one key's result.
type DeletionEntry struct {
	KeyARN      string `json:"key_arn"`
	Outcome     string `json:"outcome"` // deleted, failed, not-attempted
	StateBefore string `json:"state_before,omitempty"`
	// RequestedKeyMaterialID is the KeyMaterialId asked to be deleted; ""
	// for the key's current material.
	RequestedKeyMaterialID string `json:"requested_key_material_id,omitempty"`
	// KeyMaterialID is the id KMS returned as deleted, and nothing else.
	KeyMaterialID string    `json:"key_material_id,omitempty"`
	RequestID     string    `json:"request_id,omitempty"`
	Time          time.Time `json:"time"`
	Error         string    `json:"error,omitempty"`
}

// MarshalDeletionReceipt writes the receipt as indented JSON with a final
// newline, strings KMS sent escaped (as MarshalReceipt).
func MarshalDeletionReceipt(r *DeletionReceipt) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(clikit.EscapeJSON(b), '\n'), nil
}

// ErrNoMaterial: the key is in no state that holds imported material
// (PendingImport, PendingDeletion, Unavailable, ...).
var ErrNoMaterial = errors.New("the KMS key holds no imported material to delete")

// CheckDeletable describes every key and reports, every problem at once,
// those that hold no imported material to delete: origin not EXTERNAL, or
// a state other than Enabled or Disabled (PendingImport holds none).
func CheckDeletable(ctx context.Context, api API, keys []string) ([]KeyInfo, error) {
	infos := make([]KeyInfo, len(keys))
	var errs []error
	for i, k := range keys {
		path := fmt.Sprintf("--key-id %s", k)
		info, err := describe(ctx, api, k)
		infos[i] = info
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		arn, state := clikit.Escape(info.ARN), clikit.Escape(info.State)
		if info.Origin != string(types.OriginTypeExternal) {
			errs = append(errs, fmt.Errorf("%s: %w: %s has origin %q: only keys of origin EXTERNAL hold imported material", path, ErrKeyNotImportable, arn, clikit.Escape(info.Origin)))
			continue
		}
		switch types.KeyState(info.State) {
		case types.KeyStateEnabled, types.KeyStateDisabled:
		default:
			errs = append(errs, fmt.Errorf("%s: %w: %s is %s", path, ErrNoMaterial, arn, state))
		}
	}
	return infos, errors.Join(errs...)
}

// DeleteRequest is one delete-material run, after CheckDeletable and the
// operator's confirmation.
type DeleteRequest struct {
	Keys       []KeyInfo
	MaterialID string  // "": each key's current material
	Rate       float64 // 0: DefaultDeleteRate
	Progress   io.Writer
	Now        func() time.Time
}

// DeleteMaterial sends DeleteImportedKeyMaterial for each key, paced to the
// quota. The receipt is returned even on failure.
func DeleteMaterial(ctx context.Context, api API, req DeleteRequest) (*DeletionReceipt, error) {
	req.Now = clockOr(req.Now)
	progress := progressOr(req.Progress)
	rate := rateOr(req.Rate, DefaultDeleteRate)
	rc := &DeletionReceipt{Type: DeletionReceiptType, StartedAt: req.Now().UTC()}
	for _, k := range req.Keys {
		rc.Entries = append(rc.Entries, DeletionEntry{KeyARN: k.ARN, Outcome: OutcomeNotAttempted, StateBefore: k.State, RequestedKeyMaterialID: req.MaterialID, Time: req.Now().UTC()})
	}
	pace := newPacer(rate)
	bar := progressbar.New(progress, "deleting", len(req.Keys))
	defer bar.Done()
	var errs []error
	for i, k := range req.Keys {
		if err := pace.wait(ctx); err != nil {
			errs = append(errs, err)
			break
		}
		in := &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(k.ARN)}
		if req.MaterialID != "" {
			in.KeyMaterialId = aws.String(req.MaterialID)
		}
		out, err := ForKey(api, k.ARN).DeleteImportedKeyMaterial(ctx, in)
		re := &rc.Entries[i]
		re.Time = req.Now().UTC()
		if err != nil {
			re.Outcome, re.RequestID = OutcomeFailed, RequestID(err)
			xerr := explainCommon(k.ARN, err)
			re.Error = xerr.Error()
			errs = append(errs, xerr)
			bar.Print(fmt.Sprintf("[%d/%d] %s: %s", i+1, len(req.Keys), k.ARN, OutcomeFailed))
		} else {
			re.Outcome = OutcomeDeleted
			re.KeyMaterialID = aws.ToString(out.KeyMaterialId)
			re.RequestID, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
			line := fmt.Sprintf("[%d/%d] %s: %s", i+1, len(req.Keys), k.ARN, OutcomeDeleted)
			if re.KeyMaterialID != "" {
				line += " (key material " + clikit.Escape(re.KeyMaterialID) + ")"
			}
			bar.Plain(line)
		}
		bar.Step()
	}
	rc.FinishedAt = req.Now().UTC()
	return rc, errors.Join(errs...)
}
