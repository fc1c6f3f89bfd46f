package crashtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/bundle"
)

// prepareIterations bounds TestKillPrepare.
const prepareIterations = 10

// TestKillPrepare kills `airwrap-online prepare` of three keys at random
// points: the parameters file is complete (it parses strictly and holds
// every key) or absent, never a temporary file, and the re-run writes it.
func TestKillPrepare(t *testing.T) {
	o := newOnline(t)
	var arns []string
	for k := 0; k < 3; k++ {
		out, err := o.direct.CreateKey(context.Background(), &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
		require.NoError(t, err)
		arns = append(arns, aws.ToString(out.KeyMetadata.Arn))
	}
	prepare := func(name string) []string {
		args := []string{"prepare", "--wrapping-algorithm", "RSAES_OAEP_SHA_1", "--wrapping-key-spec", "RSA_2048", "--rate", "100/s", "--out", name}
		for _, a := range arns {
			args = append(args, "--key-id", a)
		}
		return args
	}
	full := calibrate(t, o.ocmd(prepare("p-0.json")...), "")
	o.checkParams("p-0.json", arns)
	rng := newRNG(t)
	killed := 0
	for i := 1; i <= prepareIterations; i++ {
		name := fmt.Sprintf("p-%d.json", i)
		delay := time.Duration(rng.Int64N(int64(full) * 12 / 10))
		res := runKilled(t, o.ocmd(prepare(name)...), "", delay)
		if res.killed {
			killed++
		} else {
			require.NoError(t, res.err, "iteration %d (delay %v): prepare failed without a kill\n%s", i, delay, res.stderr.String())
		}
		if _, err := os.Stat(filepath.Join(o.work, name)); err != nil {
			run(t, o.ocmd(prepare(name)...)) // absent: the re-run writes it
		}
		o.checkParams(name, arns)
	}
	t.Logf("%d of %d runs killed; an uninterrupted prepare takes %v", killed, prepareIterations, full)
	require.NotZero(t, killed, "no prepare was killed")
}

// checkParams: name parses strictly and has one entry per key, and no
// temporary file is in the work dir.
func (o *online) checkParams(name string, arns []string) {
	o.t.Helper()
	data, err := os.ReadFile(filepath.Join(o.work, name))
	require.NoError(o.t, err)
	p, err := bundle.ParseParams(data)
	require.NoError(o.t, err, name)
	require.Len(o.t, p.Entries, len(arns), "%s: %d entries, want %d", name, len(p.Entries), len(arns))
	ents, _ := os.ReadDir(o.work)
	for _, e := range ents {
		require.NotContains(o.t, e.Name(), ".tmp-", "temporary file %s left", e.Name())
	}
}
