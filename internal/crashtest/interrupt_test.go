package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
)

// interrupted is one run stopped by a signal sent once a line of its
// stderr contained a marker.
type interrupted struct {
	code           int // exit status
	stdout, stderr string
}

// interruptAt starts cmd, sends sig once a line of its stderr contains
// marker, and waits for it to exit (it must exit on its own).
func interruptAt(t *testing.T, cmd *exec.Cmd, marker string, sig syscall.Signal) interrupted {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	pr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	sent := false
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		stderr.WriteString(sc.Text() + "\n")
		if !sent && strings.Contains(sc.Text(), marker) {
			require.NoError(t, cmd.Process.Signal(sig))
			sent = true
		}
	}
	err = cmd.Wait()
	t.Logf("%s %q:\nstdout:\n%s\nstderr:\n%s", cmd.Path, cmd.Args[1:], stdout.String(), stderr.String())
	require.True(t, sent, "marker %q never printed:\n%s", marker, stderr.String())
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return interrupted{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// resumeCommand is the command a hint line of stderr gives after prefix.
func resumeCommand(t *testing.T, stderr, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "airwrap-online: hint: ") {
			if _, cmd, ok := strings.Cut(line, prefix); ok {
				return cmd
			}
		}
	}
	t.Fatalf("no hint with %q in:\n%s", prefix, stderr)
	return ""
}

// shell runs command line as an operator would paste it: through sh, with
// airwrap-online on PATH, in the work dir and against the same KMS.
func (o *online) shell(line string) *exec.Cmd {
	c := o.ocmd()
	c.Path, c.Args = "/bin/sh", []string{"sh", "-c", line}
	c.Env = append(c.Env, "PATH="+filepath.Dir(onlineBin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	return c
}

func (o *online) keyCount() int {
	o.t.Helper()
	n := 0
	p := kms.NewListKeysPaginator(o.direct, &kms.ListKeysInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(o.t, err)
		n += len(page.Keys)
	}
	return n
}

// TestInterruptSubmit sends SIGINT to a submit of four keys paced to 1/s
// once the first is imported: it stops between requests, exits 130, keeps
// the partial receipt (written whole) and prints the command that resumes;
// that command, pasted into a shell, imports the rest into a new receipt,
// and local-kms took each key's material from PendingImport exactly once.
func TestInterruptSubmit(t *testing.T) {
	o := newOnline(t)
	run(t, o.cmd("signer", "generate", "--label", "signer", "--algorithm", "ECDSA_P256"))
	run(t, o.cmd("signer", "export", "--label", "signer", "--out", "signer.pem"))
	for k := 1; k <= 4; k++ {
		run(t, o.cmd("key", "generate", "--label", "aes"+itoa(k), "--key-spec", "SYMMETRIC_DEFAULT"))
	}
	arns := o.batch(0, 4)
	cmd := o.ocmd("submit", outName(0), "--trust", "signer.pem", "--params", paramsName(0), "--receipt", "receipt.json", "--rate", "1/s")
	res := interruptAt(t, cmd, "[1/4]", syscall.SIGINT)

	require.Equal(t, 130, res.code, "stderr:\n%s", res.stderr)
	assert.Contains(t, res.stderr, "airwrap-online: error: interrupted by SIGINT: ")
	assert.Regexp(t, `[1-3] of 4 entries hold their material; entries\[[1-3]:\] not attempted`, res.stderr)
	assert.Contains(t, res.stderr, "this run's receipt is kept in receipt.json")
	assert.Contains(t, res.stdout, "not-attempted")
	assert.Contains(t, res.stdout, "receipt: receipt.json")

	data, err := os.ReadFile(filepath.Join(o.work, "receipt.json"))
	require.NoError(t, err)
	rc, err := kmsimport.ParseReceipt(data)
	require.NoError(t, err)
	require.Len(t, rc.Entries, 4)
	first := map[string]string{}
	for i, e := range rc.Entries {
		assert.Equal(t, arns[i], e.KeyARN)
		assert.Contains(t, []string{kmsimport.OutcomeImported, kmsimport.OutcomeNotAttempted}, e.Outcome, "entry %d", i)
		first[e.KeyARN] = e.Outcome
	}
	assert.Equal(t, kmsimport.OutcomeImported, rc.Entries[0].Outcome)
	assert.Equal(t, kmsimport.OutcomeNotAttempted, rc.Entries[3].Outcome)

	resume := resumeCommand(t, res.stderr, "resume with: ")
	assert.Contains(t, resume, "--receipt receipt-resumed.json")
	run(t, o.shell(resume))
	data, err = os.ReadFile(filepath.Join(o.work, "receipt-resumed.json"))
	require.NoError(t, err)
	rc2, err := kmsimport.ParseReceipt(data)
	require.NoError(t, err)
	require.Len(t, rc2.Entries, 4)
	for _, e := range rc2.Entries {
		want := kmsimport.OutcomeImported
		if first[e.KeyARN] == kmsimport.OutcomeImported {
			want = kmsimport.OutcomeAlreadyImported
		}
		assert.Equal(t, want, e.Outcome, e.KeyARN)
	}
	o.ledger.inflight.Wait()
	for _, arn := range arns {
		n, all := o.ledger.fromPending(arn)
		assert.Equal(t, 1, n, "%s imported from PendingImport %d times (requests: %v)", arn, n, all)
	}
}

// TestInterruptPrepareCreate sends SIGTERM to a prepare --create of one new
// and three existing keys, paced to 2/s, once the first key's parameters are
// fetched: it exits 130, writes nothing, names the key it created and prints
// the command that continues with it (--key-id in place of --create); that
// command, pasted into a shell, writes the parameters of all four keys, and
// only one key was created in all.
func TestInterruptPrepareCreate(t *testing.T) {
	o := newOnline(t)
	var existing []string
	for k := 0; k < 3; k++ {
		out, err := o.direct.CreateKey(context.Background(), &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
		require.NoError(t, err)
		existing = append(existing, aws.ToString(out.KeyMetadata.Arn))
	}
	keys := o.keyCount()
	args := []string{"prepare", "--create", "--key-spec", "SYMMETRIC_DEFAULT", "--description", "the interrupt test's key", "--tag", "team=it's ours",
		"--wrapping-algorithm", "RSAES_OAEP_SHA_1", "--wrapping-key-spec", "RSA_2048", "--rate", "2/s", "--out", "params.json"}
	for _, a := range existing {
		args = append(args, "--key-id", a)
	}
	res := interruptAt(t, o.ocmd(args...), "[1/4]", syscall.SIGTERM)

	require.Equal(t, 130, res.code, "stderr:\n%s", res.stderr)
	assert.Regexp(t, `error: interrupted by SIGTERM: parameters fetched for [1-3] of 4 keys, not written`, res.stderr)
	require.Equal(t, keys+1, o.keyCount(), "one key created")
	created := createdARN(t, res.stderr)
	assert.NotContains(t, existing, created)
	assert.NoFileExists(t, filepath.Join(o.work, "params.json"))

	cont := resumeCommand(t, res.stderr, "continue with them: ")
	for _, flag := range []string{"--create", "--key-spec", "--description", "--tag"} {
		assert.NotContains(t, cont, flag+" ")
	}
	assert.Contains(t, cont, "--key-id "+created)
	run(t, o.shell(cont))
	o.checkParams("params.json", append(existing, created))
	assert.Equal(t, keys+1, o.keyCount(), "the continuing run created no key")
}

// createdARN is the key the error output says the run created.
func createdARN(t *testing.T, stderr string) string {
	t.Helper()
	const said = "error: this run created, and left PendingImport: "
	for _, line := range strings.Split(stderr, "\n") {
		if _, arn, ok := strings.Cut(line, said); ok {
			return arn
		}
	}
	t.Fatalf("no %q line in:\n%s", said, stderr)
	return ""
}

// TestPrepareCreateFailsAfterCreate: GetParametersForImport is throttled
// (no retries) after CreateKey made the key: prepare exits 1, writes
// nothing, names the key and the command that continues with it (and not
// "re-run the same command", which would create another key); that
// command, pasted into a shell, writes the parameters.
func TestPrepareCreateFailsAfterCreate(t *testing.T) {
	o := newOnline(t)
	keys := o.keyCount()
	o.tr.Inject("GetParametersForImport", kmstest.Throttle, 0, 1)
	cmd := o.ocmd("--max-attempts", "1", "prepare", "--create", "--key-spec", "SYMMETRIC_DEFAULT", "--description", "payments 2026",
		"--wrapping-algorithm", "RSAES_OAEP_SHA_1", "--wrapping-key-spec", "RSA_2048", "--out", "params.json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	t.Logf("stderr:\n%s", stderr.String())
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "stderr:\n%s", stderr.String())
	require.Equal(t, 1, ee.ExitCode(), "stderr:\n%s", stderr.String())
	assert.Contains(t, stderr.String(), "KMS could not be reached or did not answer")
	assert.NotContains(t, stderr.String(), "re-run the same command")
	created := createdARN(t, stderr.String())
	require.Equal(t, keys+1, o.keyCount())
	assert.NoFileExists(t, filepath.Join(o.work, "params.json"))

	cont := resumeCommand(t, stderr.String(), "continue with them: ")
	assert.Equal(t, "airwrap-online --max-attempts 1 prepare --key-id "+created+
		" --wrapping-algorithm RSAES_OAEP_SHA_1 --wrapping-key-spec RSA_2048 --out params.json", cont)
	run(t, o.shell(cont))
	o.checkParams("params.json", []string{created})
	data, err := os.ReadFile(filepath.Join(o.work, "params.json"))
	require.NoError(t, err)
	p, err := bundle.ParseParams(data)
	require.NoError(t, err)
	assert.Equal(t, created, p.Entries[0].KeyARN)
	assert.Equal(t, keys+1, o.keyCount())
}
