package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/stretchr/testify/require"
)

// awsCLIv2 is the Debian awscli package's AWS CLI v2 (an `aws` earlier on
// PATH may be v1).
const awsCLIv2 = "/usr/bin/aws"

// The whole offline path against real parts: the AWS CLI fetches import
// parameters from local-kms, airwrap wraps a key generated in SoftHSM, and
// the exact `aws kms import-key-material` command airwrap prints, run with
// the files --awscli-dir wrote, is accepted: local-kms really unwraps the
// material and the key becomes Enabled and usable.
func TestAWSCLIFilesImportIntoLocalKMS(t *testing.T) {
	_, err := os.Stat(awsCLIv2)
	require.NoError(t, err, "AWS CLI v2 not found at %s: apt-get install awscli (make setup)", awsCLIv2)
	tok := softhsmtest.New(t)
	t.Setenv(envModule, tok.Module)
	t.Setenv(envToken, tok.Label)
	t.Setenv(envPIN, tok.PIN)
	kms := kmstest.Start(t)
	dir := t.TempDir()
	aws := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(awsCLIv2, append(args, "--endpoint-url", kms.URL, "--output", "json")...)
		cmd.Env = append(os.Environ(), kms.Env()...)
		cmd.Env = append(cmd.Env, "HOME="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, "aws %s: %v\n%s", strings.Join(args[:2], " "), err, stderr.String())
		return out
	}
	airwrap := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"airwrap"}, args...), nil, &stdout, &stderr)
		require.Zero(t, code, "airwrap %s: exit %d\n%s", args[0], code, stderr.String())
		return stdout.String()
	}

	var created struct{ KeyMetadata struct{ Arn string } }
	require.NoError(t, json.Unmarshal(aws("kms", "create-key", "--origin", "EXTERNAL"), &created))
	gpfi := filepath.Join(dir, "gpfi.json")
	require.NoError(t, os.WriteFile(gpfi, aws("kms", "get-parameters-for-import", "--key-id", created.KeyMetadata.Arn,
		"--wrapping-algorithm", "RSAES_OAEP_SHA_1", "--wrapping-key-spec", "RSA_2048"), 0o644))

	airwrap("key", "generate", "--label", "k", "--key-spec", "SYMMETRIC_DEFAULT")
	airwrap("signer", "generate", "--label", "s")
	out := airwrap("wrap", "--params", gpfi, "--wrapping-algorithm", "RSAES_OAEP_SHA_1", "--key", "k",
		"--valid-to", time.Now().Add(30*24*time.Hour).UTC().Format(time.RFC3339), "--signer", "s", "--out", filepath.Join(dir, "import.json"),
		"--awscli-dir", filepath.Join(dir, "aws"))
	var command []string
	for _, line := range strings.Split(out, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "aws kms import-key-material ") {
			command = strings.Fields(l)
		}
	}
	require.NotNil(t, command, "no import command printed:\n%s", out)
	aws(command[1:]...)

	var described struct {
		KeyMetadata struct{ KeyState, ExpirationModel string }
	}
	require.NoError(t, json.Unmarshal(aws("kms", "describe-key", "--key-id", created.KeyMetadata.Arn), &described))
	require.Equal(t, "Enabled", described.KeyMetadata.KeyState, "after import: %+v", described.KeyMetadata)
	require.Equal(t, "KEY_MATERIAL_EXPIRES", described.KeyMetadata.ExpirationModel, "after import: %+v", described.KeyMetadata)
	var enc struct{ CiphertextBlob string }
	require.NoError(t, json.Unmarshal(aws("kms", "encrypt", "--key-id", created.KeyMetadata.Arn, "--plaintext", "aGVsbG8="), &enc))
	var dec struct{ Plaintext string }
	require.NoError(t, json.Unmarshal(aws("kms", "decrypt", "--ciphertext-blob", enc.CiphertextBlob), &dec))
	require.Equal(t, "aGVsbG8=", dec.Plaintext, "decrypt gave %q", dec.Plaintext)
}
