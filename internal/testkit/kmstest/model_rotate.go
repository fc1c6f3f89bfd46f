package kmstest

import (
	"strconv"
	"time"
)

// RotateQuota is RotateKeyOnDemand's documented quota: requests per second
// per account and Region. A sixth request within one second (wall clock,
// not the model's clock: pacing is real time) gets a ThrottlingException.
const RotateQuota = 5

// MaxOnDemandRotations is how many on-demand rotations KMS allows per key.
const MaxOnDemandRotations = 25

func (m *Model) rotateKeyOnDemand(in keyIDIn, region string) (map[string]any, *kmsError) {
	now := time.Now()
	var recent []time.Time
	for _, t := range m.rotates[region] {
		if now.Sub(t) < time.Second {
			recent = append(recent, t)
		}
	}
	m.rotates[region] = recent
	if len(recent) >= RotateQuota {
		return nil, errf("ThrottlingException", "Rate exceeded: RotateKeyOnDemand allows %d requests per second", RotateQuota)
	}
	m.rotates[region] = append(recent, now)

	k, err := m.lookup(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	if !symmetric(k.spec) {
		return nil, errf("UnsupportedOperationException", "On-demand rotation is supported only on symmetric encryption keys; %s is %s", k.arn, k.spec)
	}
	if k.primary != "" {
		return nil, errf("UnsupportedOperationException", "%s is a replica key: rotate its primary key in %s", k.arn, k.primary)
	}
	if k.state != "Enabled" {
		return nil, errf("KMSInvalidStateException", "%s is %s", k.arn, k.state)
	}
	if k.rotations >= MaxOnDemandRotations {
		return nil, errf("LimitExceededException", "%s has had %d on-demand rotations", k.arn, k.rotations)
	}
	if k.origin == "EXTERNAL" {
		var pending *material
		for _, mt := range k.materials {
			if mt.state == "PENDING_MULTI_REGION_IMPORT_AND_ROTATION" {
				return nil, errf("KMSInvalidStateException", "Key material %s is not yet imported into every replica of %s", mt.id, k.arn)
			}
			if mt.state == "PENDING_ROTATION" {
				pending = mt
			}
		}
		if pending == nil {
			return nil, errf("KMSInvalidStateException", "%s has no imported key material in PENDING_ROTATION: import new key material first", k.arn)
		}
		for _, kk := range m.set(k) {
			for _, mt := range kk.materials {
				switch {
				case mt.state == "CURRENT":
					mt.state = "NON_CURRENT"
				case mt.id == pending.id:
					mt.state = "CURRENT"
					mt.rotated = m.now()
				}
			}
			kk.settle()
		}
	}
	k.rotations++
	return map[string]any{"KeyId": k.arn}, nil
}

type listRotationsIn struct {
	KeyId              string
	IncludeKeyMaterial string
	Limit              *int
	Marker             string
}

func (m *Model) listKeyRotations(in listRotationsIn, region string) (map[string]any, *kmsError) {
	k, err := m.lookup(in.KeyId, region)
	if err != nil {
		return nil, err
	}
	if !symmetric(k.spec) {
		return nil, errf("UnsupportedOperationException", "%s is %s: only symmetric encryption keys have key rotations", k.arn, k.spec)
	}
	all := false
	switch in.IncludeKeyMaterial {
	case "", "ROTATIONS_ONLY":
	case "ALL_KEY_MATERIAL":
		all = true
	default:
		return nil, errf("ValidationException", "IncludeKeyMaterial %q is not valid", in.IncludeKeyMaterial)
	}
	limit := 100
	if in.Limit != nil {
		limit = *in.Limit
	}
	if limit < 1 || limit > 1000 {
		return nil, errf("ValidationException", "Limit %d is not between 1 and 1000", limit)
	}
	var entries []map[string]any
	for _, mt := range k.materials {
		if !all && mt.rotated.IsZero() {
			continue // the first material and pending ones are not rotations
		}
		e := map[string]any{"KeyId": k.arn, "KeyMaterialId": mt.id, "KeyMaterialState": mt.state}
		if !mt.rotated.IsZero() {
			e["RotationDate"] = stamp(mt.rotated)
			e["RotationType"] = "ON_DEMAND"
		}
		if k.origin == "EXTERNAL" {
			e["ImportState"] = "PENDING_IMPORT"
			if mt.imported() {
				e["ImportState"] = "IMPORTED"
				if mt.expires {
					e["ExpirationModel"] = "KEY_MATERIAL_EXPIRES"
					e["ValidTo"] = stamp(mt.validTo)
				} else {
					e["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
				}
			}
			if mt.description != nil {
				e["KeyMaterialDescription"] = *mt.description
			}
		}
		entries = append(entries, e)
	}
	start := 0
	if in.Marker != "" {
		n, err := strconv.Atoi(in.Marker)
		if err != nil || n < 0 || n > len(entries) {
			return nil, errf("InvalidMarkerException", "Marker %q is not one this model issued", in.Marker)
		}
		start = n
	}
	end := min(start+limit, len(entries))
	out := map[string]any{"Rotations": append([]map[string]any{}, entries[start:end]...), "Truncated": end < len(entries)}
	if end < len(entries) {
		out["NextMarker"] = strconv.Itoa(end)
	}
	return out, nil
}
