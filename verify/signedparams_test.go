package verify

import (
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/stretchr/testify/require"
)

func TestVerifySignedParams(t *testing.T) {
	signed := readVector(t, "signedparams/valid-two-signers.json") // p384 + rsa3072
	sp, err := bundle.ParseSignedParams(signed)
	require.NoError(t, err)
	p384, p256, rsa := trustOf(t, "test-signer-p384"), trustOf(t, "test-signer-p256"), trustOf(t, "test-signer-rsa3072")
	cases := []struct {
		name      string
		trusted   []TrustedKey
		threshold int
		msg       string
	}{
		{"one of two", []TrustedKey{p384}, 1, ""},
		{"two of two", []TrustedKey{p384, rsa}, 2, ""},
		{"untrusted signer", []TrustedKey{p256}, 1,
			"signature threshold not met by trusted keys: 0 of 1 required signatures by trusted keys; ignored signatures by keys not trusted: " + bundle.GroupHex(p384.KeyID) + ", " + bundle.GroupHex(rsa.KeyID) + "; trusted keys: " + bundle.GroupHex(p256.KeyID)},
		{"one key pinned twice counts once", []TrustedKey{p384, p384, p256}, 2,
			"signature threshold not met by trusted keys: 1 of 2 required signatures by trusted keys; ignored signatures by keys not trusted: " + bundle.GroupHex(rsa.KeyID) + "; trusted keys: " + bundle.GroupHex(p384.KeyID) + ", " + bundle.GroupHex(p256.KeyID)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, by, err := VerifySignedParams(sp.Envelope, c.trusted, c.threshold)
			if c.msg == "" {
				require.NoError(t, err, "got %d keys, %v", len(by), err)
				require.Equal(t, string(sp.Raw), string(raw), "got %d keys, %v", len(by), err)
				require.Len(t, by, c.threshold, "got %d keys, %v", len(by), err)
				return
			}
			require.ErrorIs(t, err, ErrUntrusted, "got  %v\nwant %s", err, c.msg)
			require.Equal(t, c.msg, err.Error(), "got  %v\nwant %s", err, c.msg)
		})
	}
	// An import bundle is not signed parameters, and signed parameters are
	// not an import bundle, even under the same trusted key.
	env, err := bundle.ParseEnvelope(readVector(t, "envelope/valid-p384.json"))
	require.NoError(t, err)
	_, _, err = VerifySignedParams(env, []TrustedKey{p384}, 1)
	require.ErrorIs(t, err, bundle.ErrMalformed, "import bundle accepted as signed params: %v", err)
	_, _, err = VerifyEnvelope(sp.Envelope, []TrustedKey{p384}, 1)
	require.ErrorIs(t, err, bundle.ErrMalformed, "signed params accepted as an import bundle: %v", err)
	// A signature by a trusted key over other bytes fails even at K met.
	bad, err := bundle.ParseSignedParams(readVector(t, "signedparams/valid-p384.json"))
	require.NoError(t, err)
	other, err := bundle.ParseSignedParams(readVector(t, "signedparams/invalid-signature-from-other-payload.json"))
	if err == nil {
		bad.Envelope.Signatures = other.Envelope.Signatures
	}
	bad.Envelope.Signatures = append(bad.Envelope.Signatures, sp.Envelope.Signatures[1])
	_, _, err = VerifySignedParams(bad.Envelope, []TrustedKey{p384, rsa}, 1)
	require.ErrorIs(t, err, ErrUntrusted, "a moved signature by a trusted key was accepted: %v", err)
}

func TestCheckImportAgainstSignedParams(t *testing.T) {
	signed := readVector(t, "signedparams/valid-p384.json")
	plain := readVector(t, "params/valid-one-entry.json")
	p := validPayload(t, "valid-symmetric.json")
	p.ParamsFormat = bundle.ParamsFormatSigned
	p.ParamsSHA256 = bundle.SHA256Hex(signed)
	err := CheckImportAgainstParams(p, signed)
	require.NoError(t, err, "signed params binding")
	// The digest is of the signed file, not of the payload inside it.
	err = CheckImportAgainstParams(p, plain)
	require.ErrorIs(t, err, ErrBinding, "the unsigned payload was accepted for a bundle bound to the signed file: %v", err)
	p.ParamsFormat = bundle.ParamsType
	want := `params_format: bundle binding does not hold: "airwrap/parameters/v1", but the file is a signed parameters bundle`
	err = CheckImportAgainstParams(p, signed)
	require.ErrorIs(t, err, ErrBinding, "got  %v\nwant %s", err, want)
	require.Equal(t, want, err.Error(), "got  %v\nwant %s", err, want)
	p.ParamsFormat = bundle.ParamsFormatSigned
	p.Entries[0].ImportToken = []byte("another token")
	err = CheckImportAgainstParams(p, signed)
	require.ErrorIs(t, err, ErrBinding, "another import token was accepted: %v", err)
}

// A parameters signature cannot be replayed as an import bundle signature
// (or back): the payloadType is inside what is signed (DSSE PAE).
func TestSignedParamsSignatureIsBoundToItsType(t *testing.T) {
	sp, err := bundle.ParseSignedParams(readVector(t, "signedparams/valid-p384.json"))
	require.NoError(t, err)
	relabelled := *sp.Envelope
	relabelled.PayloadType = bundle.ImportPayloadType
	_, _, err = VerifyEnvelope(&relabelled, []TrustedKey{trustOf(t, "test-signer-p384")}, 1)
	require.ErrorIs(t, err, ErrUntrusted, "a parameters signature verified as an import bundle signature: %v", err)
	env, err := bundle.ParseEnvelope(readVector(t, "envelope/valid-p384.json"))
	require.NoError(t, err)
	env.PayloadType = bundle.ParamsPayloadType
	_, _, err = VerifySignedParams(env, []TrustedKey{trustOf(t, "test-signer-p384")}, 1)
	require.ErrorIs(t, err, ErrUntrusted, "an import bundle signature verified as a parameters signature: %v", err)
}
