package kmsimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsrules"
	progressbar "github.com/airwrap/airwrap/progress"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// SubmitRequest carries an import payload that online.Open has verified.
type SubmitRequest struct {
	Payload      *bundle.ImportPayload
	BundleSHA256 string
	DryRun       bool
	// Rate paces ImportKeyMaterial (requests per second); 0: DefaultImportRate.
	Rate float64
	// Rotate completes the rotation of each NEW_KEY_MATERIAL entry this run
	// imported, after every import (rotatePhase); RotateRate paces it
	// (0: DefaultRotateRate).
	Rotate     bool
	RotateRate float64
	Progress   io.Writer
	Now        func() time.Time
	// Earlier is the receipt of an interrupted submit of this bundle
	// (submit --resume), checked by CheckResume: its imported entries are
	// not sent again but reported imported-earlier with its KeyMaterialId,
	// which a replica of such a primary imports with (R52).
	Earlier *Receipt
}

// ErrResumeNeeded marks a submit of new key material (NEW_KEY_MATERIAL, or a
// replica's share of it) interrupted after some import: KMS refuses new
// material a key already holds, so a re-run must name this run's receipt
// (SubmitRequest.Earlier) to skip what it imported.
var ErrResumeNeeded = errors.New("new key material was imported: a re-run must skip it")

// CheckResume checks, before any request, that earlier is a receipt of
// the bundle file whose SHA-256 is bundleSHA256 (earlierPath and
// bundlePath name them in the message), and that every entry it records
// as imported is one of the bundle's. Every problem is reported at once.
func CheckResume(p *bundle.ImportPayload, bundleSHA256 string, earlier *Receipt, earlierPath, bundlePath string) error {
	if err := earlier.CheckBundle(earlierPath, bundlePath, bundleSHA256); err != nil {
		return err
	}
	var errs []error
	for j, re := range earlier.Entries {
		if !re.holds() {
			continue
		}
		if !slices.ContainsFunc(p.Entries, func(e bundle.ImportEntry) bool { return e.KeyARN == re.KeyARN }) {
			errs = append(errs, errmark.With(fmt.Errorf("%s: entries[%d].key_arn: %s is %s there, and no entry of %s imports into it", clikit.Escape(earlierPath), j, clikit.Escape(re.KeyARN), clikit.Escape(re.Outcome), clikit.Escape(bundlePath)), ErrReceiptMismatch))
		}
	}
	return errors.Join(errs...)
}

// newMaterial: the payload imports material new to some key
// (NEW_KEY_MATERIAL, or a replica's share of it), which KMS refuses a
// second time.
func newMaterial(p *bundle.ImportPayload) bool {
	return slices.ContainsFunc(p.Entries, func(e bundle.ImportEntry) bool {
		return e.ImportType == bundle.ImportNew || e.KeyMaterialIDFrom != ""
	})
}

// DefaultImportRate is ImportKeyMaterial's default quota: 15 requests per
// second per account and Region. Throttling beyond it is retried by the SDK.
const DefaultImportRate = 15.0

// Submit pre-checks every entry's KMS key with DescribeKey, and only if all
// pass, imports each entry. The receipt is returned even on failure; the
// error joins every entry's explained failure. A cancelled ctx stops it
// between two requests (ErrInterrupted): the import in flight is let finish,
// and the entries not reached stay not-attempted in the receipt. With
// req.Earlier (submit --resume), the entries that receipt records imported
// are not sent again (imported-earlier).
func Submit(ctx context.Context, api API, req SubmitRequest) (*Receipt, error) {
	req.Now = clockOr(req.Now)
	progress := progressOr(req.Progress)
	p := req.Payload
	if req.Rotate {
		if err := CheckRotate(p); err != nil {
			return nil, err
		}
	}
	if req.Earlier != nil {
		if err := CheckResume(p, req.BundleSHA256, req.Earlier, "--resume", "the bundle"); err != nil {
			return nil, err
		}
	}
	rc := &Receipt{Type: ReceiptType, BundleSHA256: req.BundleSHA256, ParamsSHA256: p.ParamsSHA256, DryRun: req.DryRun, StartedAt: req.Now().UTC()}
	n := len(p.Entries)

	// Phase 1: every key is checked before the first ImportKeyMaterial.
	rctx := context.WithoutCancel(ctx) // each request; ctx stops the run between them
	before := make([]KeyInfo, n)
	var errs []error
	for i, e := range p.Entries {
		if err := Stopped(ctx); err != nil {
			for _, rest := range p.Entries[i:] {
				rc.Entries = append(rc.Entries, ReceiptEntry{KeyARN: rest.KeyARN, Outcome: OutcomeNotAttempted, Time: req.Now().UTC()})
			}
			rc.FinishedAt = req.Now().UTC()
			return rc, errors.Join(append(errs, fmt.Errorf("%w: while checking the keys: nothing imported", err))...)
		}
		info, err := precheck(rctx, api, fmt.Sprintf("entries[%d]", i), e, req.Now())
		before[i] = info
		if err != nil {
			errs = append(errs, err)
			rc.Entries = append(rc.Entries, ReceiptEntry{KeyARN: e.KeyARN, Outcome: OutcomeFailed, StateBefore: info.State, Time: req.Now().UTC(), Error: err.Error()})
			continue
		}
		if err := checkEarlierHeld(rctx, api, fmt.Sprintf("entries[%d]", i), req.Earlier, e.KeyARN, req.Now()); err != nil {
			errs = append(errs, err)
			rc.Entries = append(rc.Entries, ReceiptEntry{KeyARN: e.KeyARN, Outcome: OutcomeFailed, StateBefore: info.State, Time: req.Now().UTC(), Error: err.Error()})
			continue
		}
		rc.Entries = append(rc.Entries, ReceiptEntry{KeyARN: e.KeyARN, Outcome: OutcomeNotAttempted, StateBefore: info.State, Time: req.Now().UTC()})
	}
	errs = append(errs, checkRoles(p.Entries, before)...)
	if err := errors.Join(errs...); err != nil {
		rc.FinishedAt = req.Now().UTC()
		return rc, errmark.With(err, ErrNothingImported)
	}

	// Phase 2: import, one entry at a time, paced to the quota.
	rate := rateOr(req.Rate, DefaultImportRate)
	if !req.DryRun && n > 1 && float64(n-1)/rate >= 1 {
		d := time.Duration(float64(n-1) / rate * float64(time.Second))
		fmt.Fprintf(progress, "importing %d keys at %g/s: about %s\n", n, rate, d.Round(time.Second))
	}
	pace := newPacer(rate)
	bar := progressbar.New(progress, "importing", n)
	stopped := false
	order := importOrder(p.Entries, before)
	for k, i := range order {
		e := p.Entries[i]
		var re ReceiptEntry
		var err error
		if prev, ok := earlierEntry(req.Earlier, e.KeyARN, req.Now); ok {
			// No request: the interrupted run's import stands, and KMS
			// would refuse new material a second time.
			re = prev
		} else if req.DryRun {
			re = ReceiptEntry{KeyARN: e.KeyARN, Outcome: OutcomeWouldImport, StateBefore: before[i].State, Time: req.Now().UTC()}
			switch {
			case e.KeyMaterialIDFrom != "":
				re.Note = "would import the primary's material with the KeyMaterialId its import into " + e.KeyMaterialIDFrom + " returns"
			case before[i].State == string(types.KeyStateEnabled) && e.ImportType == string(types.ImportTypeNewKeyMaterial):
				re.Note = "the key is Enabled: submit would add new material, which stays PENDING_ROTATION until RotateKeyOnDemand"
			case before[i].State == string(types.KeyStateEnabled):
				re.Note = "the key is Enabled: submit would re-import, which KMS accepts only for the same material"
			}
		} else {
			if pace.wait(ctx) != nil || Stopped(ctx) != nil {
				done := 0
				for _, j := range order[:k] {
					if rc.Entries[j].holds() {
						done++
					}
				}
				stop := fmt.Errorf("%w: %d of %d entries hold their material; %s not attempted", Stopped(ctx), done, n, entryList(order[k:], n))
				if done > 0 && newMaterial(p) {
					stop = errmark.With(stop, ErrResumeNeeded)
				}
				errs = append(errs, stop)
				stopped = true
				break
			}
			if e.KeyMaterialIDFrom != "" {
				var id string
				if id, err = materialIDFrom(p.Entries, rc.Entries, e.KeyMaterialIDFrom); err != nil {
					re = ReceiptEntry{KeyARN: e.KeyARN, Outcome: OutcomeNotAttempted, StateBefore: before[i].State, Time: req.Now().UTC(), Error: err.Error()}
				}
				e.KeyMaterialID = id // this entry's copy: the signed bundle is left as it is
			}
			if err == nil {
				re, err = importEntry(rctx, api, e, before[i], req.Now)
			}
		}
		rc.Entries[i] = re
		line := fmt.Sprintf("[%d/%d] %s: %s", k+1, n, e.KeyARN, re.Outcome)
		if re.KeyMaterialID != "" {
			line += " (key material " + clikit.Escape(re.KeyMaterialID) + ")"
		}
		if re.Note != "" {
			line += ": " + re.Note
		}
		if err != nil || re.Note != "" {
			bar.Print(line) // above the bar on a terminal too
		} else {
			bar.Plain(line)
		}
		bar.Step()
		if err != nil {
			errs = append(errs, fmt.Errorf("entries[%d]: %w", i, err))
		}
	}
	bar.Done()

	// Phase 3, only when asked: rotation, after every import of the batch.
	if req.Rotate && !stopped {
		errs = append(errs, rotatePhase(ctx, api, p, rc, before, req, progress))
	}
	rc.FinishedAt = req.Now().UTC()
	return rc, errors.Join(errs...)
}

// earlierEntry is entry arn as imported by the earlier run (its receipt
// earlier, nil when not resuming): outcome imported-earlier, with that
// run's KeyMaterialId, state before and request id.
func earlierEntry(earlier *Receipt, arn string, now func() time.Time) (ReceiptEntry, bool) {
	if earlier == nil {
		return ReceiptEntry{}, false
	}
	prev, ok := earlier.Entry(arn)
	if !ok {
		return ReceiptEntry{}, false
	}
	return ReceiptEntry{
		KeyARN: arn, Outcome: OutcomeImportedEarlier, StateBefore: prev.StateBefore, KeyMaterialID: prev.KeyMaterialID, RequestID: prev.RequestID, Time: now().UTC(),
		Note: "the interrupted run's receipt (--resume) records it " + prev.Outcome + ": not sent again",
	}, true
}

// checkEarlierHeld: an entry the earlier run's receipt (submit --resume)
// records as imported, with a KeyMaterialId, is skipped only if KMS lists
// that material for the key (ListKeyRotations), so a receipt cannot make
// submit pass over an entry KMS never received. Endpoints that list no
// materials (local-kms) leave it unchecked, as status does.
func checkEarlierHeld(ctx context.Context, api API, field string, earlier *Receipt, arn string, now time.Time) error {
	if earlier == nil {
		return nil
	}
	prev, ok := earlier.Entry(arn)
	if !ok || prev.KeyMaterialID == "" {
		return nil
	}
	mats, err := listMaterials(ctx, ForKey(api, arn), arn, now)
	switch {
	case unsupported(err):
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", field, explainCommon(arn, err))
	}
	if hasMaterial(mats, prev.KeyMaterialID) {
		return nil
	}
	return errmark.With(fmt.Errorf("%s: %s: the --resume receipt records key material %s imported, but KMS lists no such material for the key: not skipped on that receipt's word",
		field, clikit.Escape(arn), clikit.Escape(prev.KeyMaterialID)), ErrReceiptMismatch)
}

// checkRoles: an entry with key_material_id_from is a replica, in KMS's
// words, and the entry it names is its primary.
func checkRoles(entries []bundle.ImportEntry, before []KeyInfo) []error {
	var errs []error
	for i, e := range entries {
		if e.KeyMaterialIDFrom == "" || before[i].ARN == "" {
			continue
		}
		if before[i].MultiRegionRole != string(types.MultiRegionKeyTypeReplica) {
			errs = append(errs, fmt.Errorf("entries[%d].key_material_id_from: %w: KMS says %s is %q, not a multi-Region REPLICA", i, ErrKeyMismatch, e.KeyARN, clikit.Escape(before[i].MultiRegionRole)))
		}
		for j, f := range entries {
			if f.KeyARN == e.KeyMaterialIDFrom && before[j].ARN != "" && before[j].MultiRegionRole != string(types.MultiRegionKeyTypePrimary) {
				errs = append(errs, fmt.Errorf("entries[%d].key_material_id_from: %w: KMS says %s is %q, not the multi-Region PRIMARY", i, ErrKeyMismatch, f.KeyARN, clikit.Escape(before[j].MultiRegionRole)))
			}
		}
	}
	return errs
}

// importOrder is the order of the imports: every multi-Region primary
// before any replica (KMS copies no imported material between Regions, and a
// replica's share of new material names the KeyMaterialId its primary's
// import returns), in bundle order otherwise. A replica is what DescribeKey
// says (before) or an entry with key_material_id_from.
func importOrder(entries []bundle.ImportEntry, before []KeyInfo) []int {
	var first, then []int
	for i, e := range entries {
		if before[i].MultiRegionRole == string(types.MultiRegionKeyTypeReplica) || e.KeyMaterialIDFrom != "" {
			then = append(then, i)
		} else {
			first = append(first, i)
		}
	}
	return append(first, then...)
}

// entryList names entries by index: "entries[3:]" for the tail of n
// entries, else each one.
func entryList(idx []int, n int) string {
	tail := len(idx) > 0 && idx[len(idx)-1] == n-1
	for j := 1; j < len(idx) && tail; j++ {
		tail = idx[j] == idx[j-1]+1
	}
	if tail {
		return fmt.Sprintf("entries[%d:]", idx[0])
	}
	var s []string
	for _, i := range idx {
		s = append(s, fmt.Sprintf("entries[%d]", i))
	}
	return strings.Join(s, ", ")
}

// materialIDFrom is the KeyMaterialId the import of the entry whose key_arn
// is from returned, in this run or the earlier one it resumes (R52), or why
// there is none.
func materialIDFrom(entries []bundle.ImportEntry, done []ReceiptEntry, from string) (string, error) {
	for j, f := range entries {
		if f.KeyARN != from {
			continue
		}
		switch r := done[j]; {
		case !r.holds():
			return "", fmt.Errorf("%w: the import into %s is %s", ErrPrimaryNotImported, from, r.Outcome)
		case r.KeyMaterialID == "":
			return "", fmt.Errorf("%w: KMS returned no KeyMaterialId for the import into %s", ErrPrimaryNotImported, from)
		default:
			return r.KeyMaterialID, nil
		}
	}
	return "", fmt.Errorf("%w: no entry imports into %s", ErrPrimaryNotImported, from)
}

// precheck: the key exists, is the one the entry names, has the entry's key
// spec and can take imported material.
func precheck(ctx context.Context, api API, path string, e bundle.ImportEntry, now time.Time) (KeyInfo, error) {
	info, err := describe(ctx, api, e.KeyARN)
	if err != nil {
		return info, fmt.Errorf("%s: %w", path, err)
	}
	var errs []error
	if info.ARN != e.KeyARN {
		errs = append(errs, fmt.Errorf("%s.key_arn: %w: KMS knows %s as %s", path, ErrKeyMismatch, e.KeyARN, clikit.Escape(info.ARN)))
	}
	if info.KeySpec != e.KeySpec {
		errs = append(errs, fmt.Errorf("%s.key_spec: %w: %s is %s, the bundle says %s", path, ErrKeyMismatch, e.KeyARN, clikit.Escape(info.KeySpec), e.KeySpec))
	}
	if err := info.Importable(path); err != nil {
		errs = append(errs, err)
	}
	// ImportKeyMaterial always carries an explicit expiration model.
	if err := kmsrules.CheckValidTo(e.ExpirationModel, e.ValidTo, now); err != nil {
		errs = append(errs, fmt.Errorf("%s.valid_to: %w", path, err))
	}
	return info, errors.Join(errs...)
}

func importInput(e bundle.ImportEntry) *kms.ImportKeyMaterialInput {
	in := &kms.ImportKeyMaterialInput{
		KeyId:                aws.String(e.KeyARN),
		ImportToken:          e.ImportToken,
		EncryptedKeyMaterial: e.EncryptedKeyMaterial,
		// Always explicit: the API default is KEY_MATERIAL_EXPIRES, and
		// local-kms crashes without it.
		ExpirationModel: types.ExpirationModelType(e.ExpirationModel),
		ValidTo:         e.ValidTo,
	}
	if e.ImportType != "" {
		in.ImportType = types.ImportType(e.ImportType)
	}
	if e.KeyMaterialDescription != "" {
		in.KeyMaterialDescription = aws.String(e.KeyMaterialDescription)
	}
	if e.KeyMaterialID != "" {
		in.KeyMaterialId = aws.String(e.KeyMaterialID)
	}
	return in
}

// PendingRotationNote is the receipt's note on NEW_KEY_MATERIAL imported into
// a key that already holds material: KMS keeps it PENDING_ROTATION until
// RotateKeyOnDemand makes it current (submit --rotate, or later the command
// it names).
func PendingRotationNote(arn string) string {
	return "new key material, PENDING_ROTATION: it becomes the key's current material only after RotateKeyOnDemand (submit --rotate does it; later: " + RotateCommand(arn) + ")"
}

// ReplicaPendingRotationNote is PendingRotationNote for a multi-Region
// replica's share of new material: KMS refuses RotateKeyOnDemand on a
// replica, so the command names the primary, which rotates them all.
func ReplicaPendingRotationNote(primaryARN string) string {
	return "new key material, PENDING_ROTATION: it becomes current when its primary rotates (submit --rotate does it; later: " + RotateCommand(primaryARN) + ")"
}

// importEntry sends one entry's ImportKeyMaterial. Only an answer from KMS
// that accepted this entry's material counts: every error is a failure, and
// the KeyMaterialId recorded is the one KMS returned for this material, never
// the one the key happened to hold before.
func importEntry(ctx context.Context, api API, e bundle.ImportEntry, before KeyInfo, now func() time.Time) (ReceiptEntry, error) {
	re := ReceiptEntry{KeyARN: e.KeyARN, StateBefore: before.State}
	wasEnabled := before.State == string(types.KeyStateEnabled)
	// A replica's share of its primary's new material (R52) is new to it
	// too: PENDING_ROTATION until the primary rotates.
	newMaterial := e.ImportType == string(types.ImportTypeNewKeyMaterial) || e.KeyMaterialIDFrom != ""

	out, err := ForKey(api, e.KeyARN).ImportKeyMaterial(ctx, importInput(e))
	enabled := wasEnabled // the key holds some material, whoever put it there
	if err != nil && isTransient(err) {
		// The request may have reached KMS and only the answer been lost. If
		// the key now holds material, sending the same material again is
		// idempotent: KMS accepts it only if it is this entry's, and its
		// answer carries the KeyMaterialId. Any error of that second send is
		// this entry's failure.
		if info, derr := describe(ctx, api, e.KeyARN); derr == nil && info.State == string(types.KeyStateEnabled) && !wasEnabled {
			enabled = true
			out, err = ForKey(api, e.KeyARN).ImportKeyMaterial(ctx, importInput(e))
			if err == nil {
				re.Note = "the first answer was lost; KMS confirmed the material on a second send"
			}
		}
	}
	re.Time = now().UTC()
	if err == nil {
		re.Outcome = OutcomeImported
		if wasEnabled && !newMaterial {
			re.Outcome = OutcomeAlreadyImported
			re.Note = "the key was Enabled; KMS accepted the same material again"
		}
		re.KeyMaterialID = aws.ToString(out.KeyMaterialId)
		re.RequestID, _ = awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
		switch {
		case e.KeyMaterialIDFrom != "":
			re.Note = ReplicaPendingRotationNote(e.KeyMaterialIDFrom)
		case wasEnabled && newMaterial:
			re.Note = PendingRotationNote(e.KeyARN)
		}
		return re, nil
	}
	re.RequestID = RequestID(err)
	xerr := explainImport(e.KeyARN, err)
	var (
		expired   *types.ExpiredImportTokenException
		incorrect *types.IncorrectKeyMaterialException
	)
	switch {
	case errors.As(err, &expired) && enabled:
		// KMS did not look at the material: the key holds some, maybe
		// this bundle's (a lost first answer), maybe not.
		xerr = errmark.With(xerr, ErrEnabledUnchecked)
	case errors.As(err, &incorrect) && wasEnabled && newMaterial:
		xerr = errmark.With(xerr, ErrMaybeAttached)
	}
	re.Outcome = OutcomeFailed
	re.Error = xerr.Error()
	return re, xerr
}
