package kmsimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/errmark"
)

// ReceiptType identifies a submit receipt file.
const ReceiptType = "airwrap/receipt/v1"

// Outcomes of one entry in a receipt.
const (
	OutcomeImported        = "imported"         // this run put the material into a PendingImport key
	OutcomeAlreadyImported = "already-imported" // the key was Enabled and KMS accepted this material again
	OutcomeFailed          = "failed"           // any error: nothing is claimed for this entry
	OutcomeWouldImport     = "would-import"     // --dry-run: every check passed, nothing sent
	OutcomeNotAttempted    = "not-attempted"
	// OutcomeImportedEarlier: submit --resume skipped the entry, which the
	// interrupted run's receipt records as imported (or already-imported);
	// the KeyMaterialId is the one that receipt recorded.
	OutcomeImportedEarlier = "imported-earlier"
)

// Receipt records what submit did, per entry.
type Receipt struct {
	Type         string         `json:"type"`
	BundleSHA256 string         `json:"bundle_sha256"`
	ParamsSHA256 string         `json:"params_sha256"`
	DryRun       bool           `json:"dry_run,omitempty"`
	StartedAt    time.Time      `json:"started_at"`
	FinishedAt   time.Time      `json:"finished_at"`
	Entries      []ReceiptEntry `json:"entries"`
}

// ReceiptEntry is one bundle entry's result.
type ReceiptEntry struct {
	KeyARN      string `json:"key_arn"`
	Outcome     string `json:"outcome"`
	StateBefore string `json:"state_before,omitempty"`
	// KeyMaterialID is the id KMS returned to this entry's ImportKeyMaterial
	// (imported, already-imported), and nothing else.
	KeyMaterialID string    `json:"key_material_id,omitempty"`
	RequestID     string    `json:"request_id,omitempty"`
	Time          time.Time `json:"time"`
	Note          string    `json:"note,omitempty"`
	Error         string    `json:"error,omitempty"`
	// Rotation is what submit --rotate did after the imports, for
	// NEW_KEY_MATERIAL entries; nil without --rotate.
	Rotation *Rotation `json:"rotation,omitempty"`
}

// MarshalReceipt writes the receipt as indented JSON with a final newline.
// Strings KMS sent (KeyMaterialId, request id, error messages) keep every
// non-printable rune as a \u escape (clikit.EscapeJSON): the same JSON, safe
// to cat on a terminal.
func MarshalReceipt(r *Receipt) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(clikit.EscapeJSON(b), '\n'), nil
}

// ParseReceipt reads a receipt strictly: unknown fields, duplicate keys,
// names in another case and excess nesting are errors (checkReceiptShape).
func ParseReceipt(data []byte) (*Receipt, error) {
	if err := checkReceiptShape(data); err != nil {
		return nil, fmt.Errorf("%w: receipt: %w", ErrUsage, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Receipt
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: receipt: %w", ErrUsage, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: receipt: data after the JSON object", ErrUsage)
	}
	if r.Type != ReceiptType {
		return nil, fmt.Errorf("%w: receipt: type %q, want %q", ErrUsage, r.Type, ReceiptType)
	}
	return &r, nil
}

// Entry returns the receipt's last successful entry for arn, if any: one
// this run imported, or (submit --resume) an earlier run did.
func (r *Receipt) Entry(arn string) (ReceiptEntry, bool) {
	for i := len(r.Entries) - 1; i >= 0; i-- {
		e := r.Entries[i]
		if e.KeyARN == arn && e.holds() {
			return e, true
		}
	}
	return ReceiptEntry{}, false
}

// holds: the entry's key took the entry's material, in this run or in the
// earlier one a resumed run names.
func (e ReceiptEntry) holds() bool {
	return e.Outcome == OutcomeImported || e.Outcome == OutcomeAlreadyImported || e.Outcome == OutcomeImportedEarlier
}

// ErrReceiptMismatch: the receipt was written for another bundle, or
// names an entry the bundle does not have.
var ErrReceiptMismatch = errors.New("the receipt of another bundle")

// CheckBundle: the receipt (file receiptPath) was written by a submit of
// the bundle file bundlePath, whose SHA-256 is bundleSHA256.
func (r *Receipt) CheckBundle(receiptPath, bundlePath, bundleSHA256 string) error {
	if r.BundleSHA256 != bundleSHA256 {
		return errmark.With(fmt.Errorf("%s is the receipt of another bundle than %s", clikit.Escape(receiptPath), clikit.Escape(bundlePath)), ErrReceiptMismatch)
	}
	return nil
}
