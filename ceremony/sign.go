package ceremony

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/transcript"
	"github.com/airwrap/airwrap/verify"
)

// payload builds the import payload; TranscriptSHA256 binds every step so far.
func (r *run) payload() (*bundle.ImportPayload, error) {
	created := r.o.Now().UTC()
	p := &bundle.ImportPayload{
		Type:         bundle.ImportType,
		ParamsSHA256: r.p.paramsSHA256,
		ParamsFormat: r.p.paramsFormat,
		Token: bundle.TokenIdentity{
			Manufacturer: r.info.Manufacturer,
			Model:        r.info.Model,
			Serial:       r.info.Serial,
			Label:        r.info.Label,
		},
		ToolVersion: r.o.ToolVersion,
		StartedAt:   r.started,
		CreatedAt:   created,
		Operators:   append([]string{}, r.o.Operators...),
	}
	for _, e := range r.p.entries {
		p.Entries = append(p.Entries, bundle.ImportEntry{
			KeyARN:                  e.arn,
			KeySpec:                 string(e.spec),
			WrappingAlgorithm:       string(e.alg),
			WrappingKeySpec:         string(e.wrappingKeySpec),
			WrappingPublicKeySHA256: bundle.SHA256Hex(e.pubDER),
			ImportToken:             e.token,
			EncryptedKeyMaterial:    e.encrypted,
			ParametersValidTo:       e.paramsValidTo.UTC(),
			ExpirationModel:         r.p.expirationModel,
			ValidTo:                 r.p.validTo,
			ImportType:              e.importOpts.ImportType,
			KeyMaterialDescription:  e.importOpts.Description,
			KeyMaterialID:           e.importOpts.MaterialID,
			KeyMaterialIDFrom:       e.importOpts.MaterialIDFrom,
			HSMKey: bundle.HSMKeyRef{
				Label:       e.key.Label,
				ID:          hex.EncodeToString(e.key.ID),
				CheckValue:  hex.EncodeToString(e.key.CheckValue),
				CheckMethod: CheckMethod(e.key.CheckMethod),
			},
			Proof: e.proof,
		})
	}
	if err := r.record(transcript.StepPayloadBuilt, map[string]any{
		"entries":    len(p.Entries),
		"created_at": created.Format(time.RFC3339Nano),
	}); err != nil {
		return nil, err
	}
	p.TranscriptSHA256 = r.tr.Head()
	return p, nil
}

// signAndCheck signs the payload in the HSM and checks the result the way a
// reader will: parse the bundle bytes back, verify the signature with the
// signer's public key, and compare the payload byte for byte.
func (r *run) signAndCheck() ([]byte, error) {
	p, err := r.payload()
	if err != nil {
		return nil, err
	}
	if err := errors.Join(verify.CheckImport(p, r.o.Now()), verify.CheckImportAgainstParams(p, r.o.Params)); err != nil {
		return nil, fmt.Errorf("%w: the payload airwrap built does not pass the checks its readers make: %w", ErrSelfCheck, err)
	}
	payload, err := bundle.MarshalImportPayload(p)
	if err != nil {
		return nil, fmt.Errorf("%w: import payload: %w", ErrSelfCheck, err)
	}
	r.progress("signing the import payload with %q", r.signer.Label())
	env, err := bundle.SignEnvelope(bundle.ImportPayloadType, payload, r.signer)
	if err != nil {
		return nil, fmt.Errorf("sign with %q: %w", r.signer.Label(), err)
	}
	out, err := bundle.MarshalEnvelope(env)
	if err != nil {
		return nil, fmt.Errorf("%w: envelope: %w", ErrSelfCheck, err)
	}
	if err := checkSigned(out, payload, r.signer.Public()); err != nil {
		return nil, err
	}
	keyID, _ := bundle.KeyID(r.signer.Public())
	if err := r.tr.RecordSignature(transcript.StepSigned, transcript.Signature{
		BundleSHA256: bundle.SHA256Hex(out), PayloadSHA256: bundle.SHA256Hex(payload), SignerKeyID: keyID,
	}); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	return out, nil
}

func checkSigned(out, payload []byte, pub crypto.PublicKey) error {
	env, err := bundle.ParseEnvelope(out)
	if err != nil {
		return fmt.Errorf("%w: the signed bundle does not parse: %w", ErrSelfCheck, err)
	}
	got, err := bundle.DecodeBase64("payload", env.Payload)
	if err != nil || !bytes.Equal(got, payload) {
		return fmt.Errorf("%w: the signed bundle does not carry the payload that was signed", ErrSelfCheck)
	}
	if _, _, err := verify.VerifyEnvelope(env, []verify.TrustedKey{{Public: pub}}, 1); err != nil {
		return fmt.Errorf("%w: signature does not verify right after signing: %w", ErrSelfCheck, err)
	}
	return nil
}
