package verify

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
)

// ErrCapabilities means a signed capabilities file says something that
// cannot be (SPEC.md R48-R50).
var ErrCapabilities = errors.New("token capabilities are not consistent")

// capsClockSkew is how far in the future created_at may be (R50).
const capsClockSkew = 5 * time.Minute

// OpenCapabilities is the one way a token capabilities file is opened: parsed
// strictly (bundle.ParseSignedCapabilities, R46-R47), its signatures verified
// against the pinned signers (R49: at least one trusted key; untrusted or
// altered is ErrUntrusted), then checked for meaning (R48, R50). It returns
// the capabilities and, for kmsrules.ChooseTokenAlgorithm, what the token
// exports by key spec.
func OpenCapabilities(data []byte, trusted []TrustedKey, now time.Time) (*bundle.Capabilities, kmsrules.TokenExports, error) {
	sc, err := bundle.ParseSignedCapabilities(data)
	if err != nil {
		return nil, nil, err
	}
	if len(trusted) == 0 {
		return nil, nil, fmt.Errorf("%w: no trusted key given for the capabilities", ErrUntrusted)
	}
	if _, _, err := verifyAs(sc.Envelope, bundle.CapabilitiesPayloadType, trusted, 1); err != nil {
		return nil, nil, err
	}
	exports, err := CheckCapabilities(sc.Capabilities, now)
	if err != nil {
		return nil, nil, err
	}
	return sc.Capabilities, exports, nil
}

// CheckCapabilities checks a parsed capabilities payload (R48, R50), every
// problem at once with its field path, and returns what the token exports.
func CheckCapabilities(c *bundle.Capabilities, now time.Time) (kmsrules.TokenExports, error) {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, at("payload."+path, fmt.Errorf("%w: "+format, append([]any{ErrCapabilities}, args...)...)))
	}
	if c.CreatedAt.After(now.Add(capsClockSkew)) {
		bad("created_at", "%s is in the future", c.CreatedAt.Format(time.RFC3339))
	}
	ok := map[kmsrules.WrappingAlgorithm]bool{}
	seenAlg := map[kmsrules.WrappingAlgorithm]int{}
	for i, a := range c.WrappingAlgorithms {
		path := fmt.Sprintf("wrapping_algorithms[%d]", i)
		alg, err := kmsrules.ParseWrappingAlgorithm(a.Algorithm)
		if err != nil {
			errs = append(errs, at("payload."+path+".algorithm", err))
			continue
		}
		if j, dup := seenAlg[alg]; dup {
			bad(path+".algorithm", "%s also in wrapping_algorithms[%d]", alg, j)
			continue
		}
		seenAlg[alg] = i
		ok[alg] = a.OK
		if !a.OK && a.Reason == "" {
			bad(path+".reason", "missing for an algorithm that failed its self-test")
		}
	}
	for _, alg := range kmsrules.WrappingAlgorithms() {
		if _, in := seenAlg[alg]; !in {
			bad("wrapping_algorithms", "%s missing: the self-test verdict of every algorithm is listed", alg)
		}
	}
	exports := kmsrules.TokenExports{}
	seenSpec := map[kmsrules.KeySpec]int{}
	for i, s := range c.KeySpecs {
		path := fmt.Sprintf("key_specs[%d]", i)
		spec, err := kmsrules.ParseKeySpec(s.KeySpec)
		if err != nil {
			errs = append(errs, at("payload."+path+".key_spec", err))
			continue
		}
		if j, dup := seenSpec[spec]; dup {
			bad(path+".key_spec", "%s also in key_specs[%d]", spec, j)
			continue
		}
		seenSpec[spec] = i
		if !s.CanGenerate && s.GenerateReason == "" {
			bad(path+".generate_reason", "missing where can_generate is false")
		}
		listed := map[kmsrules.WrappingAlgorithm]bool{}
		var te kmsrules.TokenExport
		for j, name := range s.ExportAlgorithms {
			ap := fmt.Sprintf("%s.export_algorithms[%d]", path, j)
			alg, err := kmsrules.ParseWrappingAlgorithm(name)
			switch {
			case err != nil:
				errs = append(errs, at("payload."+ap, err))
				continue
			case listed[alg]:
				bad(ap, "%s listed twice", alg)
			case !spec.Allows(alg):
				bad(ap, "KMS does not allow %s for %s", alg, spec)
			case !ok[alg]:
				if _, in := seenAlg[alg]; !in {
					bad(ap, "%s has no self-test verdict in wrapping_algorithms", alg)
				} else {
					bad(ap, "%s failed the token's self-test (wrapping_algorithms)", alg)
				}
			default:
				te.Algorithms = append(te.Algorithms, alg)
			}
			listed[alg] = true
		}
		var whys []string
		for j, r := range s.ExportRefusals {
			ap := fmt.Sprintf("%s.export_refusals[%d].algorithm", path, j)
			alg, err := kmsrules.ParseWrappingAlgorithm(r.Algorithm)
			switch {
			case err != nil:
				errs = append(errs, at("payload."+ap, err))
				continue
			case listed[alg]:
				bad(ap, "%s listed twice", alg)
			case !spec.Allows(alg):
				bad(ap, "KMS does not allow %s for %s", alg, spec)
			default:
				whys = append(whys, string(alg)+": "+r.Reason)
			}
			listed[alg] = true
		}
		for _, alg := range spec.Algorithms() {
			if !listed[alg] {
				bad(path, "%s neither exported nor refused: every algorithm KMS allows for %s has a verdict", alg, spec)
			}
		}
		if len(te.Algorithms) == 0 {
			te.Why = joinWhy(whys)
			if !s.CanGenerate {
				te.Why = joinWhy(append([]string{"cannot generate: " + s.GenerateReason}, whys...))
			}
		}
		exports[spec] = te
	}
	for _, spec := range kmsrules.KeySpecs() {
		if _, in := seenSpec[spec]; !in {
			bad("key_specs", "%s missing: every importable key spec has a verdict", spec)
		}
	}
	checkInventory(c.Keys, bad)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return exports, nil
}

// checkInventory is R51's meaning: each key once by label and CKA_ID, a
// known key spec, a check method exactly with a check value, and a reason
// exactly where it is not importable (an importable key has a key spec and
// a check value).
func checkInventory(keys []bundle.CapabilityKey, bad func(path, format string, args ...any)) {
	type labelID struct{ label, id string }
	seen := map[labelID]int{}
	for i, k := range keys {
		path := fmt.Sprintf("keys[%d]", i)
		if j, dup := seen[labelID{k.Label, k.ID}]; dup {
			bad(path, "label %q with id %q also in keys[%d]", k.Label, k.ID, j)
		} else {
			seen[labelID{k.Label, k.ID}] = i
		}
		if k.KeySpec != "" {
			if _, err := kmsrules.ParseKeySpec(k.KeySpec); err != nil {
				bad(path+".key_spec", "%v", err)
			}
		}
		if (k.CheckValue == "") != (k.CheckMethod == "") {
			bad(path+".check_method", "%q with check value %q: a check method goes with a check value", k.CheckMethod, k.CheckValue)
		}
		switch {
		case k.Importable && k.NotImportable != "":
			bad(path+".not_importable", "present for an importable key")
		case !k.Importable && k.NotImportable == "":
			bad(path+".not_importable", "missing for a key that is not importable")
		case k.Importable && (k.KeySpec == "" || k.CheckValue == ""):
			bad(path+".importable", "true for a key without a key spec or check value")
		}
	}
}

func joinWhy(whys []string) string {
	whys = slices.DeleteFunc(whys, func(s string) bool { return s == "" })
	out := ""
	for i, w := range whys {
		if i > 0 {
			out += "; "
		}
		out += w
	}
	return out
}
