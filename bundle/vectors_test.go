package bundle

import (
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	testkeys "github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/stretchr/testify/require"
)

// TestVectors runs every file in testdata/{params,awscli,payload,envelope}.
// A file with a sibling .err must fail with exactly that text; any other
// must parse (and, for envelopes, every signature must verify under the
// test keys). Canonical formats must re-marshal byte for byte.
func TestVectors(t *testing.T) {
	counts := map[string]int{}
	for _, dir := range []string{"params", "awscli", "payload", "envelope", "signedparams"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(files), 5, "testdata/%s: only %d vectors: regenerate with -update", dir, len(files))
		for _, f := range files {
			counts[dir]++
			t.Run(dir+"/"+filepath.Base(f), func(t *testing.T) {
				data, err := os.ReadFile(f)
				require.NoError(t, err)
				want := ""
				if b, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".err"); err == nil {
					want = strings.TrimSuffix(string(b), "\n")
				}
				valid := strings.HasPrefix(filepath.Base(f), "valid-")
				require.Equal(t, want == "", valid, "name says valid=%v but .err file present=%v", valid, want != "")
				err = runVector(t, dir, data)
				if want == "" {
					require.NoError(t, err, "want success, got:\n%v", err)
					return
				}
				require.Error(t, err, "want error %q, got success", want)
				got := err.Error()
				require.Equal(t, want, got, "wrong error\n got: %s\nwant: %s", got, want)
				require.True(t, errors.Is(err, ErrMalformed) || errors.Is(err, ErrSignature), "error is neither ErrMalformed nor ErrSignature: %v", err)
			})
		}
	}
	t.Logf("vectors: %v", counts)
}

func runVector(t *testing.T, dir string, data []byte) error {
	switch dir {
	case "params":
		p, err := ParseParams(data)
		if err != nil {
			return err
		}
		out, err := MarshalParams(p)
		require.NoError(t, err, "marshal of a parsed params")
		q, err := ParseParams(out)
		require.NoError(t, err, "params round trip differs")
		require.Equal(t, q, p, "params round trip differs: %v", err)
	case "awscli":
		p, err := ParseAWSCLIParams(data)
		if err != nil {
			return err
		}
		require.Equal(t, arnSym, p.KeyID, "awscli fields wrong: %+v", p)
		require.Equal(t, string(tokenSym), string(p.ImportToken), "awscli fields wrong: %+v", p)
		require.GreaterOrEqual(t, len(p.PublicKey), 200, "awscli fields wrong: %+v", p)
		want := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		d := p.ParametersValidTo.Sub(want)
		require.False(t, d != 0 && d != 123*time.Millisecond, "ParametersValidTo = %v", p.ParametersValidTo)
		require.Equal(t, KindAWSCLI, Detect(data), "Detect = %v", Detect(data))
	case "payload":
		p, err := ParseImportPayload(data)
		if err != nil {
			return err
		}
		out, err := MarshalImportPayload(p)
		require.NoError(t, err, "payload does not re-marshal byte for byte")
		require.Equal(t, string(data), string(out), "payload does not re-marshal byte for byte: %v", err)
	case "envelope":
		env, err := ParseEnvelope(data)
		if err != nil {
			return err
		}
		out, err := MarshalEnvelope(env)
		require.NoError(t, err, "envelope does not re-marshal byte for byte")
		require.Equal(t, string(data), string(out), "envelope does not re-marshal byte for byte: %v", err)
		require.Equal(t, KindImport, Detect(data), "Detect = %v", Detect(data))
		if err := verifyWithTestKeys(t, env); err != nil {
			return err
		}
		payload, _ := base64.StdEncoding.DecodeString(env.Payload)
		_, err = ParseImportPayload(payload)
		require.NoError(t, err, "signed payload does not parse")
	case "signedparams":
		sp, err := ParseSignedParams(data)
		if err != nil {
			return err
		}
		out, err := MarshalEnvelope(sp.Envelope)
		require.NoError(t, err, "signed params do not re-marshal byte for byte")
		require.Equal(t, string(data), string(out), "signed params do not re-marshal byte for byte: %v", err)
		require.Equal(t, KindSignedParams, Detect(data), "Detect = %v", Detect(data))
		_, err = ParseParams(sp.Raw)
		require.NoError(t, err, "payload does not parse")
		return verifyWithTestKeys(t, sp.Envelope)
	}
	return nil
}

// verifyWithTestKeys checks every signature against the test key with its keyid.
func verifyWithTestKeys(t *testing.T, env *Envelope) error {
	keys := map[string]crypto.PublicKey{}
	for _, name := range testkeys.Signers {
		pub := testkeys.Signer(t, name).Public()
		id, err := KeyID(pub)
		require.NoError(t, err)
		keys[id] = pub
	}
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	require.NoError(t, err)
	var errs []error
	for i, s := range env.Signatures {
		pub, ok := keys[s.KeyID]
		require.True(t, ok, "signatures[%d]: keyid %s is not a test key", i, s.KeyID)
		sig, _ := base64.StdEncoding.DecodeString(s.Sig)
		if err := VerifySignature(pub, env.PayloadType, payload, sig); err != nil {
			errs = append(errs, fmt.Errorf("signatures[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
