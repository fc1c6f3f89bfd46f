package verify

import (
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
)

// at prefixes err with a field path: "entries[2].wrapping_algorithm: ...".
func at(path string, err error) error { return fmt.Errorf("%s: %w", path, err) }

func entryPath(i int, field string) string { return fmt.Sprintf("entries[%d].%s", i, field) }

// CheckParams checks a parsed parameters bundle before anything touches the
// HSM (SPEC.md R34-R39), reporting every problem at once.
func CheckParams(p *bundle.Params, now time.Time) error {
	if p == nil || len(p.Entries) == 0 {
		return fmt.Errorf("entries: %w: no entries", bundle.ErrMalformed)
	}
	var errs []error
	seen := map[string]int{}
	for i, e := range p.Entries {
		errs = append(errs, checkParamsEntry(i, e, now)...)
		if j, dup := seen[e.KeyARN]; dup {
			errs = append(errs, at(entryPath(i, "key_arn"), fmt.Errorf("%w: also entries[%d]", ErrDuplicateKey, j)))
		} else {
			seen[e.KeyARN] = i
		}
	}
	return errors.Join(errs...)
}

func checkParamsEntry(i int, e bundle.ParamsEntry, now time.Time) []error {
	var errs []error
	add := func(field string, err error) { errs = append(errs, at(entryPath(i, field), err)) }
	if a, err := kmsrules.ParseARN(e.KeyARN); err != nil {
		add("key_arn", err)
	} else {
		if a.Account != e.Account {
			add("account", fmt.Errorf("%w: %q, but the key ARN says %q", ErrInconsistent, e.Account, a.Account))
		}
		if a.Region != e.Region {
			add("region", fmt.Errorf("%w: %q, but the key ARN says %q", ErrInconsistent, e.Region, a.Region))
		}
		if a.MultiRegion() != e.MultiRegion {
			add("multi_region", fmt.Errorf("%w: %v, but the key id %q says %v", ErrInconsistent, e.MultiRegion, a.KeyID, a.MultiRegion()))
		}
	}
	switch {
	case e.MultiRegion && e.MultiRegionRole == "":
		add("multi_region_role", fmt.Errorf("%w: missing for a multi-Region key (PRIMARY or REPLICA)", ErrInconsistent))
	case !e.MultiRegion && e.MultiRegionRole != "":
		add("multi_region_role", fmt.Errorf("%w: %s given for a single-Region key", ErrInconsistent, e.MultiRegionRole))
	}
	spec, err := kmsrules.ParseKeySpec(e.KeySpec)
	if err != nil {
		add("key_spec", err)
	} else if err := spec.CheckKeyUsage(e.KeyUsage); err != nil {
		add("key_usage", err)
	}
	wk := kmsrules.WrappingKeySpec(e.WrappingKeySpec)
	if alg, err := kmsrules.ParseWrappingAlgorithm(e.WrappingAlgorithm); err != nil {
		add("wrapping_algorithm", err)
	} else if err := kmsrules.CheckFit(spec, alg, wk); err != nil && !errors.Is(err, kmsrules.ErrKeySpec) && !errors.Is(err, kmsrules.ErrWrappingKey) {
		add("wrapping_algorithm", err)
	}
	if _, err := kmsrules.ParseWrappingKeySpec(e.WrappingKeySpec); err != nil {
		add("wrapping_key_spec", err)
	} else if _, err := kmsrules.CheckWrappingPublicKey(e.PublicKey, wk); err != nil {
		add("public_key", err)
	}
	if err := kmsrules.CheckBlobSize(e.ImportToken); err != nil {
		add("import_token", err)
	}
	if !e.ParametersValidTo.After(now) {
		add("parameters_valid_to", fmt.Errorf("%w: at %s",
			ErrParamsExpired, e.ParametersValidTo.UTC().Format(time.RFC3339)))
	}
	return errs
}
