package ceremony

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"
	"unicode"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsrules"
)

// plan is a validated request: everything known before the HSM is opened.
type plan struct {
	paramsSHA256    string
	paramsFormat    string
	expirationModel string
	validTo         *time.Time
	entries         []*entry
	outputs         []string // every path Wrap will create
}

// entry is one KMS key to import.
type entry struct {
	path            string // field path for messages: entries[0] or KeyId
	arn             string
	keyARN          kmsrules.ARN
	spec            kmsrules.KeySpec // "" until known (AWS CLI JSON without --key-spec)
	alg             kmsrules.WrappingAlgorithm
	wrappingKeySpec kmsrules.WrappingKeySpec
	pubDER          []byte
	pub             *rsa.PublicKey
	token           []byte
	paramsValidTo   time.Time
	label           string
	id              []byte // CKA_ID to select by (nil: by label alone)
	importOpts      kmsrules.ImportOptions
	role            string // multi-Region: bundle.RolePrimary or RoleReplica; "" when single-Region or unknown (AWS CLI JSON)

	// Filled in once the HSM is open.
	key       *hsm.Key
	encrypted []byte
	proof     bundle.Proof
}

// validate parses and checks the whole request without the HSM, reporting
// every problem at once.
func validate(o *Options, now time.Time) (*plan, error) {
	p := &plan{paramsSHA256: bundle.SHA256Hex(o.Params)}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(o.CheckUsage())

	entries, format, err := readParams(o, now)
	add(err)
	p.paramsFormat = format
	p.entries = entries

	switch {
	case o.NoExpiry && o.ValidTo != nil: // CheckUsage
	case o.NoExpiry:
		p.expirationModel = kmsrules.DoesNotExpireModel
	case o.ValidTo != nil:
		p.expirationModel = kmsrules.ExpiresModel
		v := o.ValidTo.UTC()
		p.validTo = &v
		if err := kmsrules.CheckValidTo(p.expirationModel, &v, now); err != nil {
			add(fmt.Errorf("--valid-to: %w", err))
		}
	}

	add(selectKeys(entries, o.Keys))
	add(sameKeyPerRegion(entries))
	if byARN, err := o.importOptions(); err == nil { // CheckUsage reported err
		if err := applyImportOptions(entries, byARN); err != nil {
			add(err)
		} else {
			add(shareNewMaterial(entries))
		}
	}
	for i, op := range o.Operators {
		if op == "" || !printable(op) {
			add(fmt.Errorf("%w: --operator #%d %q is empty or has a control or non-printable character", ErrInvalidRequest, i+1, op))
		}
	}
	for _, k := range o.Keys {
		if !printable(k.Label) {
			add(fmt.Errorf("%w: --key label %q has a control or non-printable character", ErrKeySelection, k.Label))
		}
	}
	add(checkAllowNonSensitive(o))
	outs, err := outputPaths(o, entries)
	add(err)
	p.outputs = outs
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// printable reports whether s has only graphic characters and spaces (what
// the bundle format accepts in names).
func printable(s string) bool {
	for _, r := range s {
		if r != ' ' && !unicode.IsGraphic(r) {
			return false
		}
	}
	return true
}

// selectKeys gives every entry an HSM key label from the --key values.
func selectKeys(entries []*entry, keys []KeySelect) error {
	if len(entries) == 0 {
		return nil // readParams already reported why
	}
	var errs []error
	if len(keys) == 0 {
		return nil // CheckUsage
	}
	byARN := map[string]KeySelect{}
	for _, k := range keys {
		switch {
		case k.Label == "" && len(k.ID) == 0:
			errs = append(errs, fmt.Errorf("%w: --key %q has an empty label", ErrKeySelection, k.ARN))
		case k.ARN == "" && len(entries) > 1:
			errs = append(errs, fmt.Errorf("%w: --key %q names no ARN but the parameters hold %d entries: use --key ARN=LABEL for each", ErrKeySelection, k.Label, len(entries)))
		case k.ARN == "" && len(keys) > 1:
			errs = append(errs, fmt.Errorf("%w: --key %q: give one --key for a single entry", ErrKeySelection, k.Label))
		case k.ARN == "":
			entries[0].label, entries[0].id = k.Label, k.ID
		default:
			if _, dup := byARN[k.ARN]; dup {
				errs = append(errs, fmt.Errorf("%w: --key names %s twice", ErrKeySelection, k.ARN))
			}
			byARN[k.ARN] = k
		}
	}
	known := map[string]bool{}
	for _, e := range entries {
		known[e.arn] = true
		if k, ok := byARN[e.arn]; ok {
			e.label, e.id = k.Label, k.ID
		}
	}
	for _, k := range keys {
		if k.ARN != "" && !known[k.ARN] {
			errs = append(errs, fmt.Errorf("%w: --key %s: no entry for this ARN in the parameters", ErrKeySelection, k.ARN))
		}
	}
	if len(errs) == 0 {
		for _, e := range entries {
			if e.label == "" && e.id == nil {
				errs = append(errs, fmt.Errorf("%w: %s (%s) has no --key %s=LABEL", ErrKeySelection, e.path, e.arn, e.arn))
			}
		}
	}
	return errors.Join(errs...)
}

// outputPaths lists every file Wrap will write and reports those that exist.
func outputPaths(o *Options, entries []*entry) ([]string, error) {
	var errs []error
	if o.Out == "" {
		return nil, nil // CheckUsage
	}
	outs := []string{o.Out, o.Out + TranscriptSuffix}
	if o.AWSCLIDir != "" {
		seen := map[string]string{}
		for _, e := range entries {
			if e.keyARN.KeyID == "" {
				continue
			}
			dir := awsCLIDir(o.AWSCLIDir, e)
			if other, dup := seen[dir]; dup {
				errs = append(errs, fmt.Errorf("%w: %s and %s share Region and key id, so --awscli-dir cannot hold both (%s): wrap them in separate runs", ErrInvalidRequest, other, e.arn, dir))
				continue
			}
			seen[dir] = e.arn
			outs = append(outs, filepath.Join(dir, EncryptedKeyMaterialFile), filepath.Join(dir, ImportTokenFile))
		}
	}
	if err := atomicfile.CheckAbsent(outs...); err != nil {
		if atomicfile.CheckAbsent(o.Out) == nil {
			// The bundle is linked last: side files without it are what a
			// run killed between two links leaves behind.
			err = fmt.Errorf("%w; the bundle %s does not: an earlier run was interrupted before it finished, and these files are no record of a finished ceremony: move them away (keep them for the audit file) and run again", err, o.Out)
		}
		errs = append(errs, fmt.Errorf("%w (airwrap never replaces a file): %w", ErrOutputExists, err))
	}
	return outs, errors.Join(errs...)
}

// checkAllowNonSensitive requires every --allow-nonsensitive-key to name a
// --key label, once: an acceptance of a key this run does not wrap is a
// mistake that could hide the one meant.
func checkAllowNonSensitive(o *Options) error {
	var errs []error
	seen := map[string]bool{}
	for _, l := range o.AllowNonSensitive {
		switch {
		case seen[l]:
			errs = append(errs, fmt.Errorf("%w: --allow-nonsensitive-key %q given twice", ErrKeySelection, l))
		case !slices.ContainsFunc(o.Keys, func(k KeySelect) bool { return k.Label == l }):
			errs = append(errs, fmt.Errorf("%w: --allow-nonsensitive-key %q names no --key label", ErrKeySelection, l))
		}
		seen[l] = true
	}
	return errors.Join(errs...)
}
