package online

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
)

// ErrNotConfirmed: the operator did not type the key id asked for.
var ErrNotConfirmed = errors.New("deletion not confirmed")

// DeleteRequest is `airwrap-online delete-material`.
type DeleteRequest struct {
	KeyARNs     []string
	MaterialID  string // "": each key's current material
	Yes         bool   // no confirmation asked
	ReceiptPath string // required
	Rate        float64
	Client      Client
	// Ask shows a question and returns the line the operator typed; nil
	// when there is no terminal to ask on (then Yes is required).
	Ask func(question string) (string, error)
	// Note receives what the operator reads (a line each, escaped);
	// Progress the deletion's progress.
	Note     func(string)
	Progress io.Writer
}

// Validate reports every usage problem at once, before any AWS request.
func (r DeleteRequest) Validate() error {
	var errs []error
	if len(r.KeyARNs) == 0 {
		errs = append(errs, clikit.Usagef("--key-id is required: the ARN of each key whose imported material to delete"))
	}
	for i, k := range r.KeyARNs {
		if _, err := kmsrules.ParseARN(k); err != nil {
			errs = append(errs, clikit.Usagef("--key-id %s: give the key's ARN: %v", clikit.Escape(k), err))
		}
		if slices.Index(r.KeyARNs, k) < i {
			errs = append(errs, clikit.Usagef("--key-id %s given twice", clikit.Escape(k)))
		}
	}
	if r.MaterialID != "" {
		if !kmsrules.IsKeyMaterialID(r.MaterialID) {
			errs = append(errs, clikit.Usagef("--key-material-id: want the %d lowercase hex characters of a KeyMaterialId (`airwrap-online status` lists them)", kmsrules.KeyMaterialIDLen))
		}
		if len(r.KeyARNs) > 1 {
			errs = append(errs, clikit.Usagef("--key-material-id names material of one key: give a single --key-id"))
		}
	}
	if r.ReceiptPath == "" {
		errs = append(errs, clikit.Usagef("--receipt is required: the record of what was deleted"))
	}
	if !r.Yes && r.Ask == nil {
		errs = append(errs, clikit.Usagef("no terminal to confirm on: pass --yes to delete without confirmation"))
	}
	return errors.Join(errs...)
}

// RestoreHint says what puts the material back into a key whose material
// was deleted: the same material, reimported through new parameters.
// For a symmetric key the wrap names the import EXISTING_KEY_MATERIAL (and
// the KeyMaterialId, when KMS reported it); other keys take no import type.
func RestoreHint(arn, keySpec, materialID string) string {
	opts := ""
	if keySpec == "SYMMETRIC_DEFAULT" {
		opts = " --import-type EXISTING_KEY_MATERIAL"
		if materialID != "" {
			opts += " --key-material-id " + materialID
		}
	}
	return "to restore " + arn + ": `airwrap-online prepare --key-id " + arn + " --out params.json`, then the ceremony with the same HSM key: `airwrap wrap --params params.json --key " + arn + "=LABEL" + opts + " ...`, then `airwrap-online submit` (KMS takes back only the same material)"
}

// DeleteMaterial checks every key (DescribeKey: origin EXTERNAL, holding
// material), shows each key's state and current material, asks the
// operator to type each key id unless Yes, then deletes (paced to the
// quota) and writes the receipt, never replacing a file. The receipt is
// returned with the deletion's error.
func DeleteMaterial(ctx context.Context, req DeleteRequest) (*kmsimport.DeletionReceipt, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	note := req.Note
	if note == nil {
		note = func(string) {}
	}
	if err := atomicfile.CheckAbsent(req.ReceiptPath); err != nil {
		return nil, err
	}
	api, err := req.Client()
	if err != nil {
		return nil, err
	}
	infos, err := kmsimport.CheckDeletable(ctx, api, req.KeyARNs)
	if err != nil {
		return nil, err
	}
	for _, k := range infos {
		cur := k.CurrentKeyMaterialID
		if cur == "" {
			cur = "(not reported)"
		}
		target := "its current material"
		if req.MaterialID != "" {
			target = "key material " + req.MaterialID
		}
		note(fmt.Sprintf("%s: %s, current key material %s; deleting %s", clikit.Escape(k.ARN), clikit.Escape(k.State), clikit.Escape(cur), target))
	}
	if !req.Yes {
		for _, k := range infos {
			id := k.KeyID
			if id == "" {
				id = k.ARN[strings.LastIndex(k.ARN, "/")+1:]
			}
			typed, err := req.Ask(fmt.Sprintf("Type the key id %s to delete its imported key material: ", clikit.Escape(id)))
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrNotConfirmed, err)
			}
			if strings.TrimSpace(typed) != id {
				return nil, fmt.Errorf("%w: typed %q, not %s: nothing was deleted", ErrNotConfirmed, clikit.Escape(strings.TrimSpace(typed)), clikit.Escape(id))
			}
		}
	}
	rc, derr := kmsimport.DeleteMaterial(ctx, api, kmsimport.DeleteRequest{Keys: infos, MaterialID: req.MaterialID, Rate: req.Rate, Progress: req.Progress})
	b, err := kmsimport.MarshalDeletionReceipt(rc)
	if err == nil {
		err = atomicfile.WriteNew(req.ReceiptPath, b, 0o644)
	}
	if err != nil {
		return nil, errors.Join(derr, fmt.Errorf("receipt: %w", err))
	}
	for i, e := range rc.Entries {
		if e.Outcome == kmsimport.OutcomeDeleted {
			note(RestoreHint(e.KeyARN, infos[i].KeySpec, e.KeyMaterialID))
		}
	}
	return rc, derr
}
