package main

import (
	"errors"
	"io"
	"os"

	"github.com/miekg/pkcs11"

	"github.com/airwrap/airwrap/atomicfile"
	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/clikit"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// hints is airwrap's one table from what went wrong to what to do next: every
// hint it prints is here. Every row that matches (errors.Is) prints, in order.
var hints = []struct {
	err  error
	hint string
}{
	{errNoPIN, "put the PIN in a file readable only by you and pass --pin-file FILE, or set " + envPIN + ", or run in a terminal to be prompted"},
	{errPINFileMode, "make the PIN file readable by you only with chmod 600 FILE, as ssh requires of a private key; anyone who could read it may know the PIN"},
	{hsm.ErrPINIncorrect, "check the PIN; airwrap never retries a PIN, so a token that locks after a few wrong tries is safe from it"},
	{hsm.ErrTokenNotFound, "list the tokens with `pkcs11-tool --module MODULE --list-token-slots` and pass the label with --token"},
	{hsm.ErrKeyNotFound, "list the keys with `airwrap key list`"},
	{hsm.ErrDuplicateLabel, "choose another --label; `airwrap key list` shows those in use"},
	{hsm.ErrUnsupported, "run `airwrap hsm info` to see what this token can do correctly"},
	{ceremony.ErrCannotExport, "choose a key spec `airwrap hsm info` shows this token exports, or use an HSM that exports this one; --allow-unexportable makes the key anyway"},
	{ceremony.ErrTokenCannot, "run `airwrap hsm info` for the verdicts; ask the online side for parameters with an algorithm the token passes"},
	{ceremony.ErrOutputExists, "airwrap never replaces a file: choose a new --out (and --awscli-dir), or move the old files away"},
	{atomicfile.ErrExists, "airwrap never replaces a file: choose another path, or move the old file away"},
	{ceremony.ErrKeySelection, "with one entry pass --key LABEL; with several pass --key ARN=LABEL once per entry (see `airwrap inspect PARAMS`)"},
	{hsm.ErrSignerOrigin, "a ceremony signing key must be made in this HSM: run `airwrap signer generate` and pin its public key (`airwrap signer export`) in place of this one; a key written to the token from a file can sign wherever a copy of that file is"},
	{hsm.ErrNotSigner, "`airwrap key list` and `airwrap hsm info` show each signing key's attributes; make a ceremony signing key with `airwrap signer generate`"},
	{ceremony.ErrNonSensitive, "a key whose material could be read in the clear may exist outside the HSM: import a key generated with `airwrap key generate`, or, if your procedure allows it, accept this one with --allow-nonsensitive-key LABEL (the transcript records it)"},
	{ceremony.ErrHSMKey, "`airwrap key list` shows each key's KMS key spec and whether it is extractable"},
	{verify.ErrParamsExpired, "import parameters live 24 hours: run `airwrap-online prepare` again and carry the new parameters across"},
	{kmsrules.ErrValidTo, "--valid-to must be in the future and at most 365 days ahead (a date like 2027-06-30, midnight UTC at its start, or RFC 3339 like 2027-06-30T12:00:00Z), or use --no-expiry"},
	{kmsrules.ErrAlgorithmNotAllowed, "ask the online side for parameters with an algorithm KMS allows for this key spec"},
	{kmsrules.ErrMaterialTooLarge, "ask the online side for RSA_AES_KEY_WRAP_* parameters or a larger wrapping key spec"},
	{kmsrules.ErrWrappingKey, "the parameters are not what KMS issues: fetch them again"},
	{verify.ErrTrustKey, "pin the PEM public key that `airwrap signer export` wrote (ECDSA P-256/P-384 or RSA >= 3072), one key per file"},
	{kmsrules.ErrARN, "key ARNs look like arn:aws:kms:REGION:ACCOUNT:key/KEY-ID: check the parameters file is the one KMS produced"},
	{verify.ErrInconsistent, "the parameters file contradicts itself: fetch it again with airwrap-online prepare"},
	{verify.ErrDuplicateKey, "each KMS key may appear once: fetch the parameters again"},
	{ceremony.ErrParamsUnsigned, "ask the online side for signed parameters (airwrap-online prepare --sign-key FILE or --sign-kms-key ID); drop --params-trust only if your procedure allows unsigned parameters"},
	{ceremony.ErrAlreadySigned, "dual control needs another officer's key: select their token with --token and their key with --signer"},
	{verify.ErrUntrusted, "pass the signer's public key with --trust (from `airwrap signer export`), or check --threshold; for signed parameters, --params-trust and --params-threshold"},
	{verify.ErrBinding, "the bundle does not answer these parameters: check you have the right files"},
	{bundle.ErrSignature, "the file was changed after signing or signed by another key: do not use it"},
	{bundle.ErrMalformed, "the file is not a valid airwrap or AWS CLI file: check it is the one you meant, unchanged"},
	{transcript.ErrMissing, "`wrap` writes BUNDLE.transcript.jsonl beside the bundle (and `cosign` beside its --out): copy it with the bundle, or name it with --transcript FILE"},
	{transcript.ErrBroken, "the transcript was edited, truncated, or lines were removed or reordered: use the copy airwrap wrote, and treat this one as tampered with"},
	{transcript.ErrSteps, "only wrap's \"signed\" line and one \"cosigned\" line per cosign may follow the payload: lines were added or removed after signing; use the copy airwrap wrote"},
	{transcript.ErrMismatch, "this is the transcript of another bundle (a cosigned bundle has its own, OUT.transcript.jsonl): pass the one written beside this bundle"},
	{atomicfile.ErrNoDir, "create the directory first, or choose another path: airwrap creates no directory for a bundle or a record"},
	{ceremony.ErrPlan, "docs/CEREMONY-PLAN.md describes every field of a plan; `airwrap ceremony check PLAN` lists every problem without the HSM"},
	{ceremony.ErrCheckValue, "the plan names another key than the token holds, or the key changed: compare `airwrap key list` with the plan's source, and fix the plan or select the right key; nothing was generated or wrapped"},
	{ceremony.ErrSignerNotPinned, "the plan's trust: file pins another signer: check --token and signer:, or pin this signer's key (`airwrap signer export`) after checking its fingerprint"},
	{os.ErrNotExist, "check the path"},
	{ceremony.ErrInvalidRequest, "see `airwrap wrap --help`"},
	// HSM failures, after the more specific ones above.
	{hsm.ErrModule, "--module must be the HSM vendor's PKCS#11 library (a .so that exports C_GetFunctionList), e.g. /usr/lib/softhsm/libsofthsm2.so"},
	{hsm.ErrPINLocked, "the token has locked the user PIN: its security officer must unlock or reset it; airwrap cannot"},
	{pkcs11.Error(pkcs11.CKR_DEVICE_ERROR), hsmGone},
	{pkcs11.Error(pkcs11.CKR_DEVICE_REMOVED), hsmGone},
	{pkcs11.Error(pkcs11.CKR_TOKEN_NOT_PRESENT), hsmGone},
	{pkcs11.Error(pkcs11.CKR_SESSION_HANDLE_INVALID), hsmGone},
	{pkcs11.Error(pkcs11.CKR_SESSION_CLOSED), hsmGone},
}

const hsmGone = "the HSM failed or went away during the run; nothing was written: check its connection and power, then run the same command again"

// report writes the error in airwrap's voice: one `airwrap: error:` line per
// problem, then `airwrap: hint:` lines saying what to do next.
func report(w io.Writer, err error) {
	if clikit.ReportError(w, "airwrap", err) {
		return
	}
	// One hint per kind of problem found, most specific first.
	for _, h := range hints {
		if errors.Is(err, h.err) {
			clikit.Hint(w, "airwrap", h.hint)
		}
	}
}
