package kmsimport

import (
	"bytes"
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/kmsrules"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Proof methods.
const (
	ProofPublicKey     = "public-key"      // GetPublicKey equals the HSM key's public key
	ProofMAC           = "mac"             // GenerateMac over the challenge equals the HSM's MAC
	ProofRoundTrip     = "round-trip"      // Encrypt then Decrypt a random plaintext: some usable material, no more
	ProofKeyMaterialID = "key-material-id" // a round trip, and the KeyMaterialId this bundle's import returned is the key's
)

// Verdicts: what a result establishes.
const (
	// VerdictProven: KMS holds this bundle's material.
	VerdictProven = "proven"
	// VerdictUsable: KMS holds some usable material for the key, not shown
	// to be this bundle's (a symmetric key without a KeyMaterialId that this
	// bundle's import returned).
	VerdictUsable = "usable-material-not-proven"
	// VerdictFailed: a check failed or could not be made (the error says which).
	VerdictFailed = "not-proven"
)

// ProofResult is what verify-import established for one entry.
type ProofResult struct {
	KeyARN        string `json:"key_arn"`
	Method        string `json:"method"`
	Verdict       string `json:"verdict"`
	Proven        bool   `json:"proven"` // Verdict == VerdictProven
	Detail        string `json:"detail"`
	KeyMaterialID string `json:"key_material_id,omitempty"`
	// KeyMaterialIDMatch: the receipt's KeyMaterialId is one KMS reports for
	// this key (nil when it could not be compared).
	KeyMaterialIDMatch *bool `json:"key_material_id_match,omitempty"`
}

// VerifyImport proves, where KMS allows it, that each entry's KMS key holds
// the material the bundle describes. rc may be nil; rnd supplies the random
// plaintext for symmetric round trips.
func VerifyImport(ctx context.Context, api API, p *bundle.ImportPayload, rc *Receipt, rnd io.Reader) ([]ProofResult, error) {
	var out []ProofResult
	var errs []error
	for i, e := range p.Entries {
		r, err := proveEntry(ctx, api, e, rc, rnd)
		r.Verdict = VerdictFailed
		switch {
		case err == nil && r.Proven:
			r.Verdict = VerdictProven
		case err == nil:
			r.Verdict = VerdictUsable
		default:
			r.Proven = false
		}
		out = append(out, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("entries[%d]: %w", i, err))
		}
	}
	return out, errors.Join(errs...)
}

func proveEntry(ctx context.Context, api API, e bundle.ImportEntry, rc *Receipt, rnd io.Reader) (ProofResult, error) {
	r := ProofResult{KeyARN: e.KeyARN}
	rule, err := kmsrules.ParseKeySpec(e.KeySpec)
	if err != nil {
		return r, err
	}
	switch rule.Kind() {
	case kmsrules.KindRSA, kmsrules.KindEC:
		r.Method = ProofPublicKey
		if len(e.Proof.PublicKey) == 0 {
			return r, fmt.Errorf("%s: %w: the bundle records no public key", e.KeyARN, ErrUsage)
		}
		out, err := ForKey(api, e.KeyARN).GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(e.KeyARN)})
		if err != nil {
			return r, explainCommon(e.KeyARN, err)
		}
		if !bytes.Equal(out.PublicKey, e.Proof.PublicKey) {
			r.Detail = fmt.Sprintf("KMS public key %s, HSM public key %s", bundle.SHA256Hex(out.PublicKey), bundle.SHA256Hex(e.Proof.PublicKey))
			return r, proofMismatch(e.KeyARN, "KMS holds another public key")
		}
		r.Proven, r.Detail = true, "KMS public key equals the HSM key's: sha256 "+bundle.SHA256Hex(out.PublicKey)
	case kmsrules.KindHMAC:
		r.Method = ProofMAC
		alg := e.Proof.MACAlgorithm
		if alg == "" {
			alg = rule.MACAlgorithm()
		}
		if len(e.Proof.Challenge) == 0 || len(e.Proof.MAC) == 0 {
			return r, fmt.Errorf("%s: %w: the bundle records no MAC challenge", e.KeyARN, ErrUsage)
		}
		out, err := ForKey(api, e.KeyARN).GenerateMac(ctx, &kms.GenerateMacInput{KeyId: aws.String(e.KeyARN), Message: e.Proof.Challenge, MacAlgorithm: types.MacAlgorithmSpec(alg)})
		if err != nil {
			return r, explainCommon(e.KeyARN, err)
		}
		if !hmac.Equal(out.Mac, e.Proof.MAC) {
			return r, proofMismatch(e.KeyARN, "the MAC computed by KMS differs from the HSM's")
		}
		r.Proven, r.Detail = true, alg+" over the bundle's challenge: KMS and HSM agree"
	case kmsrules.KindSymmetric:
		r.Method = ProofRoundTrip
		if err := roundTrip(ctx, api, e.KeyARN, rnd); err != nil {
			return r, err
		}
		// A round trip shows only that KMS holds some usable material: KMS
		// offers no direct proof of symmetric material.
		r.Detail = "an Encrypt/Decrypt round trip succeeded: KMS holds usable key material for this key, which this alone does not show to be this bundle's"
		if err := compareMaterialID(ctx, api, e.KeyARN, rc, &r); err != nil {
			return r, err
		}
	}
	return r, nil
}

func roundTrip(ctx context.Context, api API, arn string, rnd io.Reader) error {
	pt := make([]byte, 32)
	if _, err := io.ReadFull(rnd, pt); err != nil {
		return fmt.Errorf("random plaintext: %w", err)
	}
	enc, err := ForKey(api, arn).Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(arn), Plaintext: pt})
	if err != nil {
		return explainCommon(arn, err)
	}
	dec, err := ForKey(api, arn).Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(arn), CiphertextBlob: enc.CiphertextBlob})
	if err != nil {
		return explainCommon(arn, err)
	}
	if !bytes.Equal(dec.Plaintext, pt) {
		return proofMismatch(arn, "decrypt did not return the plaintext")
	}
	return nil
}

// proveMore says what would tie a symmetric key's material to the bundle.
const proveMore = "what would prove it: the KeyMaterialId that ImportKeyMaterial returned for this bundle's material (recorded in submit's --receipt) being one KMS reports for the key"

// compareMaterialID checks the receipt's KeyMaterialId, which KMS returned to
// this bundle's ImportKeyMaterial, against those KMS reports for the key
// (DescribeKey's current one, then ListKeyRotations). A match proves the key
// holds this bundle's material: KMS derives the id from key and material.
func compareMaterialID(ctx context.Context, api API, arn string, rc *Receipt, r *ProofResult) error {
	if rc == nil {
		r.Detail += "; no --receipt given, so no KeyMaterialId was compared (" + proveMore + ")"
		return nil
	}
	re, ok := rc.Entry(arn)
	if !ok || re.KeyMaterialID == "" {
		r.Detail += "; the receipt records no KeyMaterialId returned by this bundle's import for this key (the endpoint returned none, or the import did not succeed): " + proveMore
		return nil
	}
	r.KeyMaterialID = re.KeyMaterialID
	info, err := describe(ctx, api, arn)
	if err != nil {
		return err
	}
	known := []string{}
	if info.CurrentKeyMaterialID != "" {
		known = append(known, info.CurrentKeyMaterialID)
	}
	if mats, err := listMaterials(ctx, api, arn, rc.StartedAt); err == nil {
		for _, m := range mats {
			known = append(known, m.KeyMaterialID)
		}
	} else if !unsupported(err) {
		return explainCommon(arn, err)
	}
	if len(known) == 0 {
		r.Detail += "; KMS reports no KeyMaterialId for the key here, so the receipt's could not be compared: " + proveMore
		return nil
	}
	match := slices.Contains(known, re.KeyMaterialID)
	r.KeyMaterialIDMatch = &match
	if !match {
		r.Proven = false
		return proofMismatch(arn, fmt.Sprintf("the receipt's KeyMaterialId %q is not one KMS reports for this key", re.KeyMaterialID))
	}
	r.Method, r.Proven = ProofKeyMaterialID, true
	r.Detail = "the KeyMaterialId " + re.KeyMaterialID + ", which ImportKeyMaterial returned for this bundle's material (receipt), is one KMS reports for this key; an Encrypt/Decrypt round trip succeeded"
	return nil
}

func proofMismatch(arn, what string) error {
	return fmt.Errorf("%s: %w: %s", arn, ErrProofMismatch, what)
}
