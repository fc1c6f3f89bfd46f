package verify

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

func sign(t *testing.T, payload []byte, signers ...crypto.Signer) *bundle.Envelope {
	t.Helper()
	env, err := bundle.SignEnvelope(bundle.ImportPayloadType, payload, signers...)
	require.NoError(t, err)
	return env
}

func TestVerifyEnvelopeThreshold(t *testing.T) {
	payload := readVector(t, "payload/valid-symmetric.json")
	a, b, c := keys.Signer(t, "test-signer-p384"), keys.Signer(t, "test-signer-p256"), keys.Signer(t, "test-signer-rsa3072")
	ta, tb, tc := trustOf(t, "test-signer-p384"), trustOf(t, "test-signer-p256"), trustOf(t, "test-signer-rsa3072")
	stranger, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	strangerID, _ := bundle.KeyID(stranger.Public())
	// A trust mismatch names every key in full, as inspect prints it on the
	// other side (the fixed keys' fingerprints are checked against OpenSSL in
	// cmd/*/testdata/script/fingerprints.txt).
	pa := "f5d7 275a cdeb d242 b504 e59f 8a68 0d92 38d4 ae9d df89 198b 92bb 9e25 32e9 3423"
	pb := "abac e464 0287 fa01 a31a 5fca 26c2 87ee 9b7b 57f4 a347 b21a a497 cdc8 176f 9c39"
	pc := "cba4 cc1e f87c 8339 e725 50ad 63f1 70f7 6ef4 b3a7 da8a 3ee5 9352 a7dd 5b58 7585"

	cases := []struct {
		name      string
		env       *bundle.Envelope
		trusted   []TrustedKey
		threshold int
		accepted  int
		msg       string
	}{
		{"1 of 1", sign(t, payload, a), []TrustedKey{ta}, 1, 1, ""},
		{"2 of 3, two signed", sign(t, payload, a, c), []TrustedKey{ta, tb, tc}, 2, 2, ""},
		{"2 of 3, all signed", sign(t, payload, a, b, c), []TrustedKey{ta, tb, tc}, 2, 3, ""},
		{"2 of 3, one signed", sign(t, payload, b), []TrustedKey{ta, tb, tc}, 2, 0,
			"signature threshold not met by trusted keys: 1 of 2 required signatures by trusted keys; trusted keys: " + pa + ", " + pb + ", " + pc},
		{"same key pinned twice counts once", sign(t, payload, a), []TrustedKey{ta, ta}, 2, 0,
			"signature threshold not met by trusted keys: threshold 2 cannot be met with 1 distinct trusted keys (want 1 to 1)"},
		{"same key pinned twice, with another", sign(t, payload, a), []TrustedKey{ta, ta, tb}, 2, 0,
			"signature threshold not met by trusted keys: 1 of 2 required signatures by trusted keys; trusted keys: " + pa + ", " + pb},
		{"same key signing twice counts once", dupSig(sign(t, payload, a)), []TrustedKey{ta, tb}, 2, 0,
			"signature threshold not met by trusted keys: 1 of 2 required signatures by trusted keys; trusted keys: " + pa + ", " + pb},
		{"untrusted signer ignored", sign(t, payload, stranger, a), []TrustedKey{ta}, 1, 1, ""},
		{"only untrusted signers", sign(t, payload, stranger), []TrustedKey{ta, tb}, 1, 0,
			"signature threshold not met by trusted keys: 0 of 1 required signatures by trusted keys; ignored signatures by keys not trusted: " + bundle.GroupHex(strangerID) + "; trusted keys: " + pa + ", " + pb},
		{"threshold 0", sign(t, payload, a), []TrustedKey{ta}, 0, 0,
			"signature threshold not met by trusted keys: threshold 0 cannot be met with 1 distinct trusted keys (want 1 to 1)"},
		{"no trusted keys", sign(t, payload, a), nil, 1, 0,
			"signature threshold not met by trusted keys: threshold 1 cannot be met with 0 distinct trusted keys (want 1 to 0)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, acc, err := VerifyEnvelope(tc.env, tc.trusted, tc.threshold)
			if tc.msg != "" {
				require.ErrorIs(t, err, ErrUntrusted, "got  %v\nwant %s", err, tc.msg)
				require.Equal(t, tc.msg, err.Error(), "got  %v\nwant %s", err, tc.msg)
				require.Nil(t, got, "payload or keys returned with an error")
				require.Nil(t, acc, "payload or keys returned with an error")
				return
			}
			require.NoError(t, err)
			require.Equal(t, payload, got, "payload ok=%v, accepted %d, want %d", bytes.Equal(got, payload), len(acc), tc.accepted)
			require.Len(t, acc, tc.accepted, "payload ok=%v, accepted %d, want %d", bytes.Equal(got, payload), len(acc), tc.accepted)
		})
	}
}

func TestVerifyEnvelopeRejectsABadSignatureByATrustedKey(t *testing.T) {
	payload := readVector(t, "payload/valid-symmetric.json")
	env := sign(t, payload, keys.Signer(t, "test-signer-p384"), keys.Signer(t, "test-signer-p256"))
	other := sign(t, readVector(t, "payload/valid-three-entries.json"), keys.Signer(t, "test-signer-p256"))
	env.Signatures[1].Sig = other.Signatures[0].Sig // p256's signature over another payload
	ta, tb := trustOf(t, "test-signer-p384"), trustOf(t, "test-signer-p256")
	tb.Source = "officer-b.pem"
	// Threshold 1 is met by the P-384 signature, but the P-256 one is forged.
	_, _, err := VerifyEnvelope(env, []TrustedKey{ta, tb}, 1)
	want := "signature threshold not met by trusted keys: signatures[1] by trusted key abac e464 0287 fa01 a31a 5fca 26c2 87ee 9b7b 57f4 a347 b21a a497 cdc8 176f 9c39 (officer-b.pem) does not verify: the bundle was altered after signing"
	require.ErrorIs(t, err, ErrUntrusted, "got  %v\nwant %s", err, want)
	require.Equal(t, want, err.Error(), "got  %v\nwant %s", err, want)
}

func TestVerifyEnvelopeAddSignatureLater(t *testing.T) {
	payload := readVector(t, "payload/valid-symmetric.json")
	env := sign(t, payload, keys.Signer(t, "test-signer-p384"))
	trusted := []TrustedKey{trustOf(t, "test-signer-p384"), trustOf(t, "test-signer-rsa3072")}
	_, _, err := VerifyEnvelope(env, trusted, 2)
	require.ErrorIs(t, err, ErrUntrusted, "one signature met threshold 2: %v", err)
	err = bundle.AddSignature(env, keys.Signer(t, "test-signer-rsa3072"))
	require.NoError(t, err)
	err = bundle.AddSignature(env, keys.Signer(t, "test-signer-p384"))
	require.ErrorIs(t, err, bundle.ErrSignerKey, "second signature by the same key: %v", err)
	raw, err := bundle.MarshalEnvelope(env)
	require.NoError(t, err)
	parsed, err := bundle.ParseEnvelope(raw)
	require.NoError(t, err)
	_, acc, err := VerifyEnvelope(parsed, trusted, 2)
	require.NoError(t, err, "2 of 2 after AddSignature")
	require.Len(t, acc, 2, "2 of 2 after AddSignature: %v", err)
}

func TestVerifyEnvelopeWrongPayloadType(t *testing.T) {
	env, err := bundle.SignEnvelope("application/json", []byte("{}"), keys.Signer(t, "test-signer-p384"))
	require.NoError(t, err)
	_, _, err = VerifyEnvelope(env, []TrustedKey{trustOf(t, "test-signer-p384")}, 1)
	require.ErrorIs(t, err, bundle.ErrMalformed, "got %v", err)
}

// dupSig repeats an envelope's first signature (ParseEnvelope refuses this;
// VerifyEnvelope must count it once anyway).
func dupSig(env *bundle.Envelope) *bundle.Envelope {
	env.Signatures = append(env.Signatures, env.Signatures[0])
	return env
}
