package main

import (
	"errors"
	"io"
	"os"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/online"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// hint is one row of the table: when match holds, the operator reads text.
type hint struct {
	match func(error) bool
	text  func(error) string
	// each: match is tried on every error in the tree (errors joined and
	// wrapped), in order, and every matching row prints its hint once. The
	// other rows are a fallback: when no each row matched, the first of
	// them that matches the whole error (errors.Is) prints.
	each bool
	// unless, when set, keeps an each row quiet when it holds for the
	// whole error (a hint another row's advice contradicts).
	unless func(error) bool
}

// is matches err itself: one node of the error tree, for each rows.
func is(target error) func(error) bool { return func(err error) bool { return err == target } }

// part matches a problem verify.OpenImport found in that part of the bundle.
func part(p verify.Part) func(error) bool {
	return func(err error) bool {
		oe, ok := err.(*verify.OpenError)
		return ok && oe.Part == p
	}
}

// isAny matches the whole error, for fallback rows.
func isAny(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func say(s string) func(error) string { return func(error) string { return s } }

// createdKeys: a prepare created KMS keys before it stopped.
func createdKeys(err error) bool {
	var c *online.CreatedError
	return errors.As(err, &c)
}

// stoppedRun matches a prepare or submit that stopped part way (resume.go)
// when cond holds for it.
func stoppedRun(cond func(*resumable) bool) func(error) bool {
	return func(err error) bool { r, ok := err.(*resumable); return ok && cond(r) }
}

// hints is airwrap-online's one table from errors to what to do next: every
// hint it prints is here.
var hints = []hint{
	// A run that stopped part way: the exact command that goes on.
	{match: stoppedRun(func(r *resumable) bool { return createdKeys(r) }), each: true, text: func(err error) string {
		return "the keys this run created exist: do not run the --create command again (it would create more); continue with them: " + err.(*resumable).command
	}},
	{match: stoppedRun(func(r *resumable) bool { return r.submit && r.newMaterial && r.receipt == "" }), each: true, text: say(
		"this run imported new key material, which KMS refuses a second time: re-running the same command would fail the entries imported above, and without a receipt they cannot be told apart from material someone else attached; " +
			"check each key with `airwrap-online status --key-id ARN` (the material's description and state); next time pass --receipt FILE, so that an interrupted submit resumes with --resume FILE")},
	{match: stoppedRun(func(r *resumable) bool { return r.submit && r.newMaterial && r.receipt != "" }), each: true, text: func(err error) string {
		r := err.(*resumable)
		return "this run imported new key material, which KMS refuses a second time: resume from this run's receipt (--resume), which skips the entries it imported and gives a replica its primary's KeyMaterialId; " +
			"the receipt is kept in " + r.receipt + " and the next run writes its own; resume with: " + r.command
	}},
	{match: stoppedRun(func(r *resumable) bool { return r.submit && !r.newMaterial }), each: true, text: func(err error) string {
		r := err.(*resumable)
		s := "re-running the same command is safe: entries already imported are reported already-imported"
		if r.receipt != "" {
			s += "; this run's receipt is kept in " + r.receipt + " and the next run writes its own"
		}
		return s + "; resume with: " + r.command
	}},
	{match: stoppedRun(func(r *resumable) bool { return r.rotate }), each: true, text: func(err error) string {
		return "every import is done and stands: do not submit the bundle again (KMS refuses new material it already holds); finish the rotation with: " + err.(*resumable).command
	}},
	{match: stoppedRun(func(r *resumable) bool { return !r.submit && !r.rotate && !createdKeys(r) }), each: true, text: func(err error) string {
		return "nothing was written: resume with: " + err.(*resumable).command
	}},

	// The bundle and its inputs (online.Open, verify.OpenImport).
	{match: is(online.ErrNoParams), each: true, text: say("pass --params with the parameters file this bundle answers (from `airwrap-online prepare`); a site that lost it can pass --no-params-check, and these go unchecked: " + online.ParamsBindings)},
	{match: is(online.ErrNoTrust), each: true, text: say("pass --trust with the ceremony signer's public key (from `airwrap signer export`)")},
	{match: is(online.ErrTrustFile), each: true, text: say("each --trust must be a PEM public key file written by `airwrap signer export`")},
	{match: part(verify.PartBundle), each: true, text: say("the file is not an intact import bundle: copy it again from the air-gapped machine")},
	{match: part(verify.PartSignatures), each: true, text: say("the bundle is not signed by enough of the pinned keys: check --trust and --threshold, and that the file was not altered")},
	{match: is(kmsrules.ErrTokenCannotExport), each: true, text: say("the offline token could never export these keys (its signed capabilities say so): import them from an HSM that can, or make keys of a spec `airwrap hsm info` shows it exports")},
	{match: is(verify.ErrCapabilities), each: true, text: say("the capabilities file contradicts itself: write it again with `airwrap hsm info --out FILE --signer LABEL` and carry the new file across")},
	{match: is(verify.ErrParamsExpired), each: true, text: say("import parameters last 24 hours: run `airwrap-online prepare` again, carry the new parameters across the air gap and wrap again; if this bundle was already submitted, `airwrap-online status` and `verify-import` show what KMS holds")},

	// KMS outcomes (kmsimport).
	{match: is(kmsimport.ErrNothingImported), each: true, text: say("nothing was imported: fix the keys above (or the bundle) and run submit again")},
	{match: is(kmsimport.ErrEnabledUnchecked), each: true, text: say("the key is Enabled, but KMS checked nothing: that it holds some material does not show it is this bundle's; `airwrap-online verify-import` with the receipt of the submit that imported it shows what is known")},
	{match: is(kmsimport.ErrPrimaryNotImported), each: true, text: say("a replica takes the KeyMaterialId its primary's import returns: fix the primary's failure and run submit again; if an earlier submit of this bundle imported the primary, pass its receipt with --resume FILE")},
	{match: is(kmsimport.ErrMaybeAttached), each: true, text: say("if this bundle was submitted before, its new material may already be attached: check `airwrap-online status`; an interrupted submit of it resumes with --resume and the receipt that run wrote")},
	{match: is(kmsimport.ErrExpiredImportToken), each: true, text: say("import parameters last 24 hours: run `airwrap-online prepare` again, carry the new parameters across the air gap and wrap again")},
	{match: is(kmsimport.ErrIncorrectKeyMaterial), each: true, text: say("for a symmetric key KMS holds one or more materials: a reimport (EXISTING_KEY_MATERIAL, the default once the key has material) must carry the same material as the KeyMaterialId it names, or as the current one; NEW_KEY_MATERIAL must be material the key does not hold yet (`airwrap-online status` lists its materials). Wrap the HSM key imported before, or put other material in a new KMS key; HMAC and asymmetric keys take only the material first imported")},
	{match: is(kmsimport.ErrInvalidCiphertext), each: true, text: say("wrap again with the parameters of this bundle's import token, using exactly its wrapping algorithm")},
	{match: is(kmsimport.ErrInvalidImportToken), each: true, text: say("each GetParametersForImport replaces the previous token: use the bundle wrapped with the latest parameters for this key, or prepare and wrap again")},
	{match: func(err error) bool { _, ok := err.(*kmsimport.KeyStateError); return ok }, each: true, text: func(err error) string {
		return "check the key with `airwrap-online status --key-id " + err.(*kmsimport.KeyStateError).ARN + "`: it must be PendingImport or Enabled"
	}},
	{match: is(kmsimport.ErrNotFound), each: true, text: say("check the account, Region and endpoint (--profile, --region, --endpoint-url)")},
	{match: is(kmsimport.ErrUnsupported), each: true, text: say("only keys created with origin EXTERNAL take imported material")},
	{match: is(kmsimport.ErrTransient), each: true, unless: createdKeys, text: say("re-run the same command: it is safe to repeat (if KMS stays unreachable, check the network, --region and --endpoint-url)")},
	{match: is(kmsimport.ErrAccessDenied), each: true, text: say("check the credentials and the key policy")},
	{match: is(kmsimport.ErrProofMismatch), each: true, text: say("stop using this key: compare the bundle, the receipt and the KMS key, and re-run verify-import against the right account and Region")},
	{match: is(kmsimport.ErrSignerFileMode), each: true, text: say("chmod 600 the key file (and keep it off shared disks)")},
	{match: is(kmsimport.ErrSignerKMSKey), each: true, text: say("give an Enabled KMS key with key usage SIGN_VERIFY and key spec ECC_NIST_P384, ECC_NIST_P256, RSA_3072 or RSA_4096")},
	{match: is(online.ErrNothingRotated), each: true, text: say("nothing was rotated: fix the keys above and run rotate again")},
	{match: is(kmsimport.ErrNoPendingRotation), each: true, text: say("a rotation makes the material PENDING_ROTATION current: import it first (wrap --import-type NEW_KEY_MATERIAL, then submit); `airwrap-online status --key-id ARN` lists each material's state")},
	{match: is(kmsimport.ErrReplicaRotation), each: true, text: say("rotate the primary key (its ARN names the primary's Region): KMS rotates every replica with it, once each replica holds the new material")},
	{match: is(kmsimport.ErrReplicaNotReady), each: true, text: say("import the same material into every replica (the bundle's replica entries, EXISTING_KEY_MATERIAL with the primary's KeyMaterialId), then rotate the primary with `airwrap-online rotate`")},
	{match: is(online.ErrExpiring), each: true, text: say("reimport the same material with a later ValidTo (prepare, wrap, submit) before it expires: KMS deletes expired material")},
	{match: is(kmsimport.ErrNoMaterial), each: true, text: say("nothing to delete: `airwrap-online status --key-id ARN` shows the key's state and materials")},
	{match: is(online.ErrNotConfirmed), each: true, text: say("nothing was deleted: type the key id exactly as shown, or pass --yes where no one can type")},
	{match: is(online.ErrReceiptMismatch), each: true, text: say("pass the receipt that `airwrap-online submit` wrote for this bundle (verify-import --receipt, submit --resume), or leave the flag out")},

	// Fallback: the first that matches.
	{match: isAny(atomicfile.ErrExists), text: say("airwrap-online never replaces a file: choose another path, or move the old file away")},
	{match: isAny(kmsimport.ErrNoRegion), text: say("pass --region, set AWS_REGION, or use a --profile that names a Region")},
	{match: isAny(verify.ErrUntrusted), text: say("pass the signer's public key with --trust (from `airwrap signer export`), or check --threshold")},
	{match: isAny(verify.ErrTrustKey), text: say("pin the PEM public key that `airwrap signer export` wrote (ECDSA P-256/P-384 or RSA >= 3072), one key per file")},
	{match: isAny(verify.ErrBinding), text: say("the bundle does not answer these parameters: check you have the right files")},
	{match: isAny(bundle.ErrMalformed), text: say("the file is not a valid airwrap file: check it is the one you meant, unchanged")},
	{match: isAny(transcript.ErrMissing), text: say("`wrap` writes BUNDLE.transcript.jsonl beside the bundle (and `cosign` beside its --out): copy it with the bundle, or name it with --transcript FILE")},
	{match: isAny(transcript.ErrBroken), text: say("the transcript was edited, truncated, or lines were removed or reordered: use the copy airwrap wrote, and treat this one as tampered with")},
	{match: isAny(transcript.ErrSteps), text: say("only wrap's \"signed\" line and one \"cosigned\" line per cosign may follow the payload: lines were added or removed after signing; use the copy airwrap wrote")},
	{match: isAny(transcript.ErrMismatch), text: say("this is the transcript of another bundle (a cosigned bundle has its own, OUT.transcript.jsonl): pass the one written beside this bundle")},
	{match: isAny(os.ErrNotExist), text: say("check the path")},
}

// hintsFor is what the operator reads after err (the table's rule is on hint).
func hintsFor(err error) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		for _, h := range hints {
			if h.each && h.match(e) && (h.unless == nil || !h.unless(err)) {
				if t := h.text(e); !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	if len(out) > 0 {
		return out
	}
	for _, h := range hints {
		if !h.each && h.match(err) {
			return []string{h.text(err)}
		}
	}
	return nil
}

// report writes the error in airwrap-online's voice: one `error:` line per
// problem, then the hints.
func report(w io.Writer, err error) {
	if clikit.ReportError(w, "airwrap-online", err) {
		return
	}
	for _, h := range hintsFor(err) {
		clikit.Hint(w, "airwrap-online", h)
	}
}
