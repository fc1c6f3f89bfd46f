package crashtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/internal/testkit/keys"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/internal/testkit/leak"
	"github.com/airwrap/airwrap/softhsm-test/hsmtest"
)

// transcriptLog keeps every command's stdout and stderr as files, so the
// scan covers what an operator's terminal (or a CI log) would show.
type transcriptLog struct {
	dir string
	n   int
}

func (l *transcriptLog) keep(t *testing.T, c *exec.Cmd) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	err = c.Run()
	l.n++
	name := fmt.Sprintf("%02d-%s", l.n, filepath.Base(c.Path))
	_ = os.WriteFile(filepath.Join(l.dir, name+".cmdline"), []byte(strings.Join(c.Args, "\x00")), 0o600)
	_ = os.WriteFile(filepath.Join(l.dir, name+".stdout"), o.Bytes(), 0o600)
	_ = os.WriteFile(filepath.Join(l.dir, name+".stderr"), e.Bytes(), 0o600)
	return o.String(), e.String(), err
}

func (l *transcriptLog) ok(t *testing.T, c *exec.Cmd) {
	t.Helper()
	_, e, err := l.keep(t, c)
	require.NoError(t, err, "%q: %v\n%s", c.Args, err, e)
}

func (l *transcriptLog) fail(t *testing.T, c *exec.Cmd) {
	t.Helper()
	_, _, err := l.keep(t, c)
	require.Error(t, err, "%q succeeded, want a failure", c.Args)
}

// TestSecretsNeverWritten runs both tools end to end on known material and
// a distinctive PIN, on success and on failure paths (wrong PIN, a device
// fault mid-batch, a SIGKILL mid-wrap, a tampered bundle, throttled
// imports), then scans every file either tool wrote and every line either
// printed, and every command line, for the PIN (and the wrong PIN) and the
// material: raw, hex in both cases, base64 and base64url.
func TestSecretsNeverWritten(t *testing.T) {
	o := newOnline(t)
	logs := &transcriptLog{dir: t.TempDir()}
	materials := map[string][]byte{}
	for k := 1; k <= 3; k++ {
		label := fmt.Sprintf("aes%d", k)
		materials[label] = keys.Material(label, 32)
		// An extractable, sensitive AES key of known value, put through PKCS#11
		// in this process: the PIN never reaches argv.
		hsmtest.PutSecret(t, hsmtest.FromSoftHSM(o.tok), hsmtest.Secret{Label: label, KeyType: pkcs11.CKK_AES, Value: materials[label], Extractable: true})
	}
	logs.ok(t, o.cmd("signer", "generate", "--label", "signer", "--algorithm", "ECDSA_P256"))
	logs.ok(t, o.cmd("signer", "export", "--label", "signer", "--out", "signer.pem"))

	// success, both halves: prepare, wrap (with AWS CLI files), verify,
	// submit with a receipt, verify-import, status
	arns := o.batch(1, 3)
	logs.ok(t, o.cmd("verify", outName(1), "--trust", "signer.pem", "--params", paramsName(1)))
	logs.ok(t, o.cmd("inspect", outName(1)))
	logs.ok(t, o.ocmd("submit", outName(1), "--trust", "signer.pem", "--params", paramsName(1), "--receipt", "receipt-1.json"))
	logs.ok(t, o.ocmd("verify-import", outName(1), "--receipt", "receipt-1.json", "--trust", "signer.pem"))
	logs.ok(t, o.ocmd("status", outName(1)))
	logs.ok(t, o.ocmd("--json", "status", "--key-id", arns[0]))

	// failure paths
	arns = o.batch(2, 3)
	wrap := func(out string) []string {
		args := []string{"wrap", "--params", paramsName(2), "--no-expiry", "--signer", "signer", "--out", out, "--awscli-dir", out + "-aws"}
		for k, arn := range arns {
			args = append(args, "--key", fmt.Sprintf("%s=aes%d", arn, k+1))
		}
		return args
	}
	const wrongPIN = "wrong-PIN-5f3a9c"
	require.NoError(t, os.WriteFile(filepath.Join(o.work, "bad.pin"), []byte(wrongPIN+"\n"), 0o600))
	badPIN := o.cmd(append([]string{"--pin-file", "bad.pin"}, wrap("f-pin.json")...)...)
	badPIN.Env = slices.DeleteFunc(badPIN.Env, func(kv string) bool { return strings.HasPrefix(kv, "AIRWRAP_PIN=") }) // one PIN source only
	logs.fail(t, badPIN)
	_ = os.Remove(filepath.Join(o.work, "bad.pin")) // the test's own file, not airwrap's
	logs.fail(t, o.fcmd("WrapKey:*:CKR_DEVICE_ERROR", wrap("f-device.json")...))
	logs.fail(t, o.fcmd("Sign:*:CKR_DEVICE_REMOVED", wrap("f-sign.json")...))
	res := runKilled(t, o.cmd(wrap("f-killed.json")...), afterLogin, 20*time.Millisecond)
	_ = os.WriteFile(filepath.Join(logs.dir, "killed.stderr"), res.stderr.Bytes(), 0o600)
	_ = os.WriteFile(filepath.Join(logs.dir, "killed.stdout"), res.stdout.Bytes(), 0o600)
	logs.ok(t, o.cmd(wrap("ok-2.json")...)) // with AWS CLI files

	tampered := filepath.Join(o.work, "tampered.json")
	data, err := os.ReadFile(filepath.Join(o.work, outName(2)))
	require.NoError(t, err)
	data[len(data)/2] ^= 1
	require.NoError(t, os.WriteFile(tampered, data, 0o644))
	logs.fail(t, o.ocmd("submit", "tampered.json", "--trust", "signer.pem", "--params", paramsName(2)))
	o.tr.Inject("ImportKeyMaterial", kmstest.Throttle, 1, 5)
	logs.fail(t, o.ocmd("--max-attempts", "1", "submit", outName(2), "--trust", "signer.pem", "--params", paramsName(2), "--receipt", "receipt-2.json"))
	logs.ok(t, o.ocmd("submit", outName(2), "--trust", "signer.pem", "--params", paramsName(2), "--receipt", "receipt-3.json"))

	secrets := map[string][]byte{"the PIN": []byte(o.tok.PIN), "the wrong PIN": []byte(wrongPIN),
		"the AWS secret access key": []byte(kmstest.SecretAccessKey)}
	for l, m := range materials {
		secrets["material of "+l] = m
	}
	found, n, err := leak.Scan(secrets, o.work, logs.dir)
	require.NoError(t, err)
	assert.Empty(t, found, "secrets found")
	t.Logf("scanned %d files (work dir and every command's output) for %d secrets in 5 forms: none found", n, len(secrets))
}
