package kmsimport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/airwrap/airwrap/kmsrules"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KeyStatus is a KMS key with each of its key materials.
type KeyStatus struct {
	KeyInfo
	DaysLeft      *int       `json:"days_left,omitempty"`
	Materials     []Material `json:"materials"`
	MaterialsNote string     `json:"materials_note,omitempty"`
}

// Material is one key material of a key (ListKeyRotations with
// IncludeKeyMaterial=ALL_KEY_MATERIAL, or the current one from DescribeKey).
type Material struct {
	KeyMaterialID   string     `json:"key_material_id,omitempty"`
	State           string     `json:"state,omitempty"`        // CURRENT | NON_CURRENT | PENDING_ROTATION
	ImportState     string     `json:"import_state,omitempty"` // IMPORTED | PENDING_IMPORT
	ExpirationModel string     `json:"expiration_model,omitempty"`
	ValidTo         *time.Time `json:"valid_to,omitempty"`
	DaysLeft        *int       `json:"days_left,omitempty"`
	Description     string     `json:"description,omitempty"`
	RotationDate    *time.Time `json:"rotation_date,omitempty"`
}

// NoMaterialListNote says why only the current material is shown.
const NoMaterialListNote = "this KMS endpoint does not list key materials (ListKeyRotations with ALL_KEY_MATERIAL): showing the current material from DescribeKey"

// Status describes each key and lists its key materials, each in the
// Region of its ARN. A multi-Region key is shown in every Region: the
// primary and each replica DescribeKey's MultiRegionConfiguration names
// (KMS imports material into each separately, and each expires on its own)
// follow the keys asked for, once each.
func Status(ctx context.Context, api API, keyIDs []string, now time.Time) ([]KeyStatus, error) {
	var out []KeyStatus
	var errs []error
	queue := append([]string(nil), keyIDs...)
	seen := map[string]bool{}
	for _, id := range keyIDs {
		seen[id] = true
	}
	for i := 0; i < len(queue); i++ {
		id := queue[i]
		info, err := describe(ctx, api, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("keys[%d]: %w", i, err))
			continue
		}
		seen[info.ARN] = true
		for _, arn := range otherRegions(info) {
			if !seen[arn] && len(queue) < len(keyIDs)*(maxRegions+1) {
				seen[arn] = true
				queue = append(queue, arn)
			}
		}
		st := KeyStatus{KeyInfo: info, DaysLeft: daysLeft(info.ValidTo, now)}
		mats, err := listMaterials(ctx, api, info.ARN, now)
		switch {
		case err == nil:
			st.Materials = mats
		case unsupported(err):
			st.MaterialsNote = NoMaterialListNote
			// Material was imported once: the expiration model is set then.
			if info.State != string(types.KeyStatePendingImport) && info.ExpirationModel != "" {
				st.Materials = []Material{{
					KeyMaterialID: info.CurrentKeyMaterialID, State: "CURRENT", ImportState: "IMPORTED",
					ExpirationModel: info.ExpirationModel, ValidTo: info.ValidTo, DaysLeft: st.DaysLeft,
				}}
			}
		default:
			errs = append(errs, fmt.Errorf("keys[%d]: %w", i, explainCommon(info.ARN, err)))
		}
		if st.Materials == nil {
			st.Materials = []Material{}
		}
		out = append(out, st)
	}
	return out, errors.Join(errs...)
}

func listMaterials(ctx context.Context, api API, arn string, now time.Time) ([]Material, error) {
	var out []Material
	in := &kms.ListKeyRotationsInput{KeyId: aws.String(arn), IncludeKeyMaterial: types.IncludeKeyMaterialAllKeyMaterial}
	for {
		page, err := ForKey(api, arn).ListKeyRotations(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Rotations {
			out = append(out, Material{
				KeyMaterialID: aws.ToString(r.KeyMaterialId), State: string(r.KeyMaterialState), ImportState: string(r.ImportState),
				ExpirationModel: string(r.ExpirationModel), ValidTo: r.ValidTo, DaysLeft: daysLeft(r.ValidTo, now),
				Description: aws.ToString(r.KeyMaterialDescription), RotationDate: r.RotationDate,
			})
		}
		if !page.Truncated || page.NextMarker == nil {
			return out, nil
		}
		in.Marker = page.NextMarker
	}
}

// unsupported: the endpoint lacks the operation (501, as local-kms answers)
// or refuses the parameter (UnsupportedOperationException).
func unsupported(err error) bool {
	var uo *types.UnsupportedOperationException
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &uo) || errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotImplemented
}

func daysLeft(t *time.Time, now time.Time) *int {
	if t == nil {
		return nil
	}
	d := int(t.Sub(now).Hours() / 24)
	if t.Before(now) {
		d = -int(now.Sub(*t).Hours()/24) - 1
	}
	return &d
}

// Expiring is one key material that expires soon, or a key that holds none.
type Expiring struct {
	KeyARN        string     `json:"key_arn"`
	KeyMaterialID string     `json:"key_material_id,omitempty"`
	ValidTo       *time.Time `json:"valid_to,omitempty"` // nil: the key holds no material
}

// ExpiringWithin lists every material (or key, when materials are unknown)
// whose ValidTo falls before now + days, and every key in PendingImport: its
// material has already expired and been deleted, or was never imported.
func ExpiringWithin(st []KeyStatus, days int, now time.Time) []Expiring {
	limit := now.Add(time.Duration(days) * 24 * time.Hour)
	var out []Expiring
	for _, k := range st {
		if k.State == string(types.KeyStatePendingImport) {
			out = append(out, Expiring{KeyARN: k.ARN})
			continue
		}
		found := false
		for _, m := range k.Materials {
			if m.ValidTo != nil {
				found = true
				if m.ValidTo.Before(limit) {
					out = append(out, Expiring{KeyARN: k.ARN, KeyMaterialID: m.KeyMaterialID, ValidTo: m.ValidTo})
				}
			}
		}
		if !found && k.ValidTo != nil && k.ValidTo.Before(limit) {
			out = append(out, Expiring{KeyARN: k.ARN, KeyMaterialID: k.CurrentKeyMaterialID, ValidTo: k.ValidTo})
		}
	}
	return out
}

// maxRegions bounds the Regions of one multi-Region key that status follows
// (KMS has fewer Regions), so that an endpoint cannot keep it asking.
const maxRegions = 64

// otherRegions: the ARNs of the key's other Regions that DescribeKey named,
// only those of the same account and key id in another Region.
func otherRegions(k KeyInfo) []string {
	self, err := kmsrules.ParseARN(k.ARN)
	if err != nil || !self.MultiRegion() {
		return nil
	}
	var out []string
	for _, arn := range k.MultiRegionKeys {
		a, err := kmsrules.ParseARN(arn)
		if err == nil && a.KeyID == self.KeyID && a.Account == self.Account && a.Partition == self.Partition && a.Region != self.Region && len(out) < maxRegions {
			out = append(out, arn)
		}
	}
	return out
}
