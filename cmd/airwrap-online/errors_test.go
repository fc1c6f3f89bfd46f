package main

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/errmark"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/online"
	"github.com/airwrap/airwrap/verify"
	"github.com/stretchr/testify/assert"
)

// What the operator reads after each kind of error: the texts kmsimport and
// online used to attach themselves, now all in the one table (errors.go), in
// the same order (the outer problem's hint first).
func TestHintTable(t *testing.T) {
	sdk := errors.New("api error")
	const (
		prepareAgain = "import parameters last 24 hours: run `airwrap-online prepare` again, carry the new parameters across the air gap and wrap again"
		notFound     = "check the account, Region and endpoint (--profile, --region, --endpoint-url)"
		transient    = "re-run the same command: it is safe to repeat (if KMS stays unreachable, check the network, --region and --endpoint-url)"
		incorrect    = "for a symmetric key KMS holds one or more materials: a reimport (EXISTING_KEY_MATERIAL, the default once the key has material) must carry the same material as the KeyMaterialId it names, or as the current one; NEW_KEY_MATERIAL must be material the key does not hold yet (`airwrap-online status` lists its materials). Wrap the HSM key imported before, or put other material in a new KMS key; HMAC and asymmetric keys take only the material first imported"
	)
	_, noInputs := online.Open(online.OpenRequest{Bundle: []byte("{}")})
	for _, c := range []struct {
		name string
		err  error
		want []string
	}{
		{"no params, no trust", noInputs, []string{
			"pass --params with the parameters file this bundle answers (from `airwrap-online prepare`); a site that lost it can pass --no-params-check, and these go unchecked: " + online.ParamsBindings,
			"pass --trust with the ceremony signer's public key (from `airwrap signer export`)",
		}},
		{"trust file", errmark.With(fmt.Errorf("x.pem: %w", verify.ErrTrustKey), online.ErrTrustFile), []string{"each --trust must be a PEM public key file written by `airwrap signer export`"}},
		{"not a bundle", fmt.Errorf("import bundle: %w", &verify.OpenError{Part: verify.PartBundle, Err: bundle.ErrMalformed}), []string{"the file is not an intact import bundle: copy it again from the air-gapped machine"}},
		{"signatures", fmt.Errorf("import bundle: %w", errors.Join(&verify.OpenError{Part: verify.PartSignatures, Err: verify.ErrUntrusted})), []string{"the bundle is not signed by enough of the pinned keys: check --trust and --threshold, and that the file was not altered"}},
		{"expired parameters", fmt.Errorf("import bundle: %w", errors.Join(&verify.OpenError{Part: verify.PartRules, Err: fmt.Errorf("entries[0].parameters_valid_to: %w", verify.ErrParamsExpired)})), []string{prepareAgain + "; if this bundle was already submitted, `airwrap-online status` and `verify-import` show what KMS holds"}},
		{"binding: the fallback", fmt.Errorf("import bundle: %w", errors.Join(&verify.OpenError{Part: verify.PartParams, Err: verify.ErrBinding})), []string{"the bundle does not answer these parameters: check you have the right files"}},
		{"nothing imported", errmark.With(errors.Join(
			&kmsimport.KeyStateError{ARN: "arn:k1", Err: fmt.Errorf("arn:k1: %w (%w)", kmsimport.ErrKeyState, sdk)},
			fmt.Errorf("arn:k2: %w (%w)", kmsimport.ErrNotFound, sdk)), kmsimport.ErrNothingImported), []string{
			"nothing was imported: fix the keys above (or the bundle) and run submit again",
			"check the key with `airwrap-online status --key-id arn:k1`: it must be PendingImport or Enabled",
			notFound,
		}},
		{"expired token, Enabled key", errmark.With(fmt.Errorf("k: %w (%w)", kmsimport.ErrExpiredImportToken, sdk), kmsimport.ErrEnabledUnchecked), []string{
			"the key is Enabled, but KMS checked nothing: that it holds some material does not show it is this bundle's; `airwrap-online verify-import` with the receipt of the submit that imported it shows what is known",
			prepareAgain,
		}},
		{"expired token", fmt.Errorf("k: %w (%w)", kmsimport.ErrExpiredImportToken, sdk), []string{prepareAgain}},
		{"already attached", errmark.With(fmt.Errorf("k: %w (%w)", kmsimport.ErrIncorrectKeyMaterial, sdk), kmsimport.ErrMaybeAttached), []string{
			"if this bundle was submitted before, its new material may already be attached: check `airwrap-online status`; an interrupted submit of it resumes with --resume and the receipt that run wrote",
			incorrect,
		}},
		{"incorrect material", fmt.Errorf("k: %w (%w)", kmsimport.ErrIncorrectKeyMaterial, sdk), []string{incorrect}},
		{"ciphertext", fmt.Errorf("k: %w (%w)", kmsimport.ErrInvalidCiphertext, sdk), []string{"wrap again with the parameters of this bundle's import token, using exactly its wrapping algorithm"}},
		{"token", fmt.Errorf("k: %w (%w)", kmsimport.ErrInvalidImportToken, sdk), []string{"each GetParametersForImport replaces the previous token: use the bundle wrapped with the latest parameters for this key, or prepare and wrap again"}},
		{"unsupported", fmt.Errorf("k: %w (%w)", kmsimport.ErrUnsupported, sdk), []string{"only keys created with origin EXTERNAL take imported material"}},
		{"transient", fmt.Errorf("keys[0]: %w", fmt.Errorf("k: %w (%w)", kmsimport.ErrTransient, sdk)), []string{transient}},
		{"access denied", errmark.With(fmt.Errorf("k: %w", sdk), kmsimport.ErrAccessDenied), []string{"check the credentials and the key policy"}},
		{"proof", fmt.Errorf("k: %w: x", kmsimport.ErrProofMismatch), []string{"stop using this key: compare the bundle, the receipt and the KMS key, and re-run verify-import against the right account and Region"}},
		{"sign key mode", errmark.With(fmt.Errorf("k.pem: %w", kmsimport.ErrParamsSigner), kmsimport.ErrSignerFileMode), []string{"chmod 600 the key file (and keep it off shared disks)"}},
		{"sign KMS key", errmark.With(fmt.Errorf("--sign-kms-key k: %w", kmsimport.ErrParamsSigner), kmsimport.ErrSignerKMSKey), []string{"give an Enabled KMS key with key usage SIGN_VERIFY and key spec ECC_NIST_P384, ECC_NIST_P256, RSA_3072 or RSA_4096"}},
		{"expiring", &online.ExpiringError{N: 1, Days: 30}, []string{"reimport the same material with a later ValidTo (prepare, wrap, submit) before it expires: KMS deletes expired material"}},
		{"receipt of another bundle", errmark.With(errors.New("r is the receipt of another bundle than b"), online.ErrReceiptMismatch), []string{"pass the receipt that `airwrap-online submit` wrote for this bundle (verify-import --receipt, submit --resume), or leave the flag out"}},
		{"not a trusted key (inspect)", fmt.Errorf("x.pem: %w", verify.ErrTrustKey), []string{"pin the PEM public key that `airwrap signer export` wrote (ECDSA P-256/P-384 or RSA >= 3072), one key per file"}},
		{"fallback: the first match only", errors.Join(verify.ErrUntrusted, bundle.ErrMalformed), []string{"pass the signer's public key with --trust (from `airwrap signer export`), or check --threshold"}},
		{"none", errors.New("something else"), nil},
	} {
		got := hintsFor(c.err)
		assert.True(t, slices.Equal(got, c.want), "%s: hints\n%q\nwant\n%q", c.name, got, c.want)
	}
}
