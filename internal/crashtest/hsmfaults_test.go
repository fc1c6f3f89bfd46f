package crashtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/stretchr/testify/require"
)

// fcmd is o.cmd run by the fault-injecting build with AIRWRAP_FAULTS=spec.
func (o *offline) fcmd(spec string, args ...string) *exec.Cmd {
	c := o.cmd(args...)
	c.Path, c.Args[0] = faultsBin, faultsBin
	c.Env = append(c.Env, "AIRWRAP_FAULTS="+spec)
	return c
}

// fails runs c, requires exit status 1 and returns stderr.
func fails(t *testing.T, c *exec.Cmd) string {
	t.Helper()
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%q: %v, want exit status 1\nstdout:\n%s\nstderr:\n%s", c.Args[1:], err, out.String(), errb.String())
	require.Equal(t, 1, ee.ExitCode(), "%q: %v, want exit status 1\nstdout:\n%s\nstderr:\n%s", c.Args[1:], err, out.String(), errb.String())
	return errb.String()
}

const hsmGoneHint = "airwrap: hint: the HSM failed or went away during the run; nothing was written: check its connection and power, then run the same command again\n"

// TestHSMFaultMidBatch: the session dies (CKR_SESSION_HANDLE_INVALID,
// CKR_DEVICE_REMOVED) or the device errs (CKR_DEVICE_ERROR) on the second
// wrap of three. airwrap says so in its voice with the hint, writes
// nothing, leaves no object on the token, and the same command then
// succeeds.
func TestHSMFaultMidBatch(t *testing.T) {
	o := newOffline(t)
	run(t, o.cmd("signer", "generate", "--label", "signer", "--algorithm", "ECDSA_P256"))
	run(t, o.cmd("signer", "export", "--label", "signer", "--out", "signer.pem"))
	var entries []ceremonytest.Entry
	for k := 1; k <= 3; k++ {
		run(t, o.cmd("key", "generate", "--label", "aes"+strconv.Itoa(k), "--key-spec", "SYMMETRIC_DEFAULT"))
		entries = append(entries, ceremonytest.Entry{})
	}
	m, err := ceremonytest.Params(time.Now(), entries...)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(o.work, "params.json"), m.Data, 0o644))
	baseline := o.objects()
	wrap := func(out string) []string {
		args := []string{"wrap", "--params", "params.json"}
		for k, arn := range m.ARNs {
			args = append(args, "--key", arn+"=aes"+strconv.Itoa(k+1))
		}
		return append(args, "--no-expiry", "--signer", "signer", "--out", out+".json", "--awscli-dir", out)
	}
	// The self-test wraps too (and a fault there only marks an algorithm
	// refused): find the C_WrapKey call that wraps the second key, the
	// first whose failure names entries[1] and no self-test verdict.
	second := 0
	for k := 1; k <= 40 && second == 0; k++ {
		probe := "probe-" + strconv.Itoa(k)
		c := o.fcmd("WrapKey:"+strconv.Itoa(k)+":CKR_DEVICE_ERROR", wrap(probe)...)
		var errb bytes.Buffer
		c.Stderr = &errb
		if err := c.Run(); err != nil && strings.Contains(errb.String(), "entries[1]") && !strings.Contains(errb.String(), "cannot") {
			second = k
			o.nothingWritten(probe)
		}
	}
	require.NotZero(t, second, "no C_WrapKey call wraps the second key")
	t.Logf("C_WrapKey call %d wraps the second key", second)
	for _, c := range []struct{ rv, msg string }{
		{"CKR_SESSION_HANDLE_INVALID", "pkcs11: 0xB3: CKR_SESSION_HANDLE_INVALID"},
		{"CKR_DEVICE_REMOVED", "pkcs11: 0x32: CKR_DEVICE_REMOVED"},
		{"CKR_DEVICE_ERROR", "pkcs11: 0x30: CKR_DEVICE_ERROR"},
	} {
		out := "fault-" + c.rv
		stderr := fails(t, o.fcmd("WrapKey:"+strconv.Itoa(second)+":"+c.rv, wrap(out)...))
		var errLines []string
		for _, l := range strings.SplitAfter(stderr, "\n") {
			if strings.HasPrefix(l, "airwrap: error: ") {
				errLines = append(errLines, l)
			}
		}
		want := `airwrap: error: entries[1]: wrap "aes2": C_WrapKey(CKM_RSA_PKCS_OAEP(SHA-1, MGF1-SHA-1)) of "aes2": ` + c.msg + "\n"
		require.Len(t, errLines, 1, "%s: error lines %q, want exactly %q", c.rv, errLines, want)
		require.Equal(t, want, errLines[0], "%s: error lines %q, want exactly %q", c.rv, errLines, want)
		require.True(t, strings.HasSuffix(stderr, hsmGoneHint), "%s: stderr does not end with the hint:\n%s", c.rv, stderr)
		o.nothingWritten(out)
		n := o.objects()
		require.Equal(t, baseline, n, "%s: %d objects on the token, %d before", c.rv, n, baseline)
		run(t, o.cmd(wrap(out)...)) // the same command, the HSM back: done
		run(t, o.cmd("verify", out+".json", "--trust", "signer.pem", "--params", "params.json"))
	}
}

// nothingWritten: no bundle, transcript or AWS CLI file for out.
func (o *offline) nothingWritten(out string) {
	o.t.Helper()
	for _, p := range []string{out + ".json", out + ".json.transcript.jsonl"} {
		_, err := os.Stat(filepath.Join(o.work, p))
		require.Error(o.t, err, "%s written by a failed run", p)
	}
	_ = filepath.WalkDir(filepath.Join(o.work, out), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			o.t.Fatalf("%s written by a failed run", p)
		}
		return nil
	})
}

// TestFaultHookNotInReleaseBuild: the injector exists only in the tagged
// build; a normal airwrap neither contains it nor obeys AIRWRAP_FAULTS.
func TestFaultHookNotInReleaseBuild(t *testing.T) {
	for bin, want := range map[string]bool{airwrapBin: false, faultsBin: true} {
		out, err := exec.Command("go", "tool", "nm", bin).Output()
		require.NoError(t, err, "go tool nm %s", bin)
		got := bytes.Contains(out, []byte("hsm.parseFaults"))
		require.Equal(t, want, got, "%s: contains hsm.parseFaults = %v, want %v", bin, got, want)
	}
	o := newOffline(t)
	run(t, o.cmd("key", "generate", "--label", "k", "--key-spec", "SYMMETRIC_DEFAULT"))
	c := o.cmd("key", "list")
	c.Env = append(c.Env, "AIRWRAP_FAULTS=Login:*:CKR_DEVICE_ERROR")
	run(t, c)
}
