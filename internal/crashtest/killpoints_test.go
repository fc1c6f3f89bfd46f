package crashtest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/stretchr/testify/require"
)

// TestKillWrapAtEveryPKCS11Call kills `airwrap wrap` deterministically at
// every call of the PKCS#11 functions that change state or produce output
// (the fault build's "pause": the call blocks, says so, and is killed):
// each C_WrapKey, C_Sign, C_GenerateKey, C_CreateObject, C_DestroyObject,
// and the C_Logout that comes after the outputs are written. Every time,
// the outputs are all there and verified or all absent, no temporary file
// is left and no object stays on the token. After the last point the same
// command finishes the job.
func TestKillWrapAtEveryPKCS11Call(t *testing.T) {
	o := newOffline(t)
	run(t, o.cmd("signer", "generate", "--label", "signer", "--algorithm", "ECDSA_P256"))
	run(t, o.cmd("signer", "export", "--label", "signer", "--out", "signer.pem"))
	run(t, o.cmd("key", "generate", "--label", "aes", "--key-spec", "SYMMETRIC_DEFAULT"))
	run(t, o.cmd("key", "generate", "--label", "ec", "--key-spec", "ECC_NIST_P384"))
	m, err := ceremonytest.Params(time.Now(),
		ceremonytest.Entry{KeySpec: "SYMMETRIC_DEFAULT"},
		ceremonytest.Entry{KeySpec: "ECC_NIST_P384", WrappingAlgorithm: "RSA_AES_KEY_WRAP_SHA_1"})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(o.work, "params.json"), m.Data, 0o644))
	baseline := o.objects()
	wrap := func(out string) []string {
		return []string{"wrap", "--params", "params.json", "--key", m.ARNs[0] + "=aes", "--key", m.ARNs[1] + "=ec",
			"--no-expiry", "--signer", "signer", "--out", out + ".json"}
	}
	points, complete := 0, 0
	last := ""
	for _, op := range []string{"WrapKey", "Sign", "GenerateKey", "CreateObject", "DestroyObject", "Logout"} {
		for n := 1; ; n++ {
			out := fmt.Sprintf("kill-%s-%d", op, n)
			marker := fmt.Sprintf("airwrap-faults: paused at %s #%d", op, n)
			res := runKilled(t, o.fcmd(fmt.Sprintf("%s:%d:pause", op, n), wrap(out)...), marker, 0)
			if !res.killed {
				require.NoError(t, res.err, "%s #%d: not paused, and failed: %v\n%s", op, n, res.err, res.stderr.String())
				break // fewer than n calls of op: the run finished
			}
			points++
			if o.killedState(out) {
				complete++
			}
			n := o.objects()
			require.Equal(t, baseline, n, "killed at %s: %d objects on the token, %d before", marker, n, baseline)
			last = out
		}
	}
	t.Logf("killed at %d PKCS#11 calls; outputs complete at %d of them, absent at the others", points, complete)
	require.GreaterOrEqual(t, points, 10, "only %d kill points (%d with outputs): the pause hook did not work", points, complete)
	require.NotZero(t, complete, "only %d kill points (%d with outputs): the pause hook did not work", points, complete)
	// the last kill point with outputs absent, or a fresh name: the re-run completes
	if _, err := os.Stat(filepath.Join(o.work, last+".json")); err == nil {
		last += "-again"
	}
	run(t, o.cmd(wrap(last)...))
	run(t, o.cmd("verify", last+".json", "--trust", "signer.pem", "--params", "params.json"))
}

// killedState checks what a killed wrap to out.json left: the bundle and its
// transcript, verified, or neither; never a temporary file. It reports
// whether the outputs exist.
func (o *offline) killedState(out string) bool {
	o.t.Helper()
	ents, err := os.ReadDir(o.work)
	require.NoError(o.t, err)
	for _, e := range ents {
		require.NotContains(o.t, e.Name(), ".tmp-", "%s: temporary file %s left", out, e.Name())
	}
	_, berr := os.Stat(filepath.Join(o.work, out+".json"))
	_, terr := os.Stat(filepath.Join(o.work, out+".json.transcript.jsonl"))
	switch {
	case berr == nil && terr == nil:
		run(o.t, o.cmd("verify", out+".json", "--trust", "signer.pem", "--params", "params.json"))
		return true
	case berr != nil && terr != nil:
		return false
	}
	o.t.Fatalf("%s: bundle present %v, transcript present %v", out, berr == nil, terr == nil)
	return false
}
