package crashtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/stretchr/testify/require"

	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
)

// submitIterations: each needs fresh KMS keys, parameters and a real wrap.
const submitIterations = 12

// importLedger sits under the kmstest.Transport, in front of local-kms:
// before forwarding an ImportKeyMaterial it asks local-kms (directly) the
// key's state, and afterwards records what local-kms answered. A key
// imported "exactly once" has exactly one 200 answer given in PendingImport.
type importLedger struct {
	kms  *kms.Client
	base http.RoundTripper

	inflight sync.WaitGroup // ImportKeyMaterial requests being forwarded
	mu       sync.Mutex
	imports  map[string][]string // key ARN -> "STATE:HTTP status" per request that reached local-kms
}

func (l *importLedger) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.Header.Get("X-Amz-Target"), ".ImportKeyMaterial") {
		return l.base.RoundTrip(req)
	}
	l.inflight.Add(1)
	defer l.inflight.Done()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	// A killed client cancels its request; KMS would still act on what it
	// received. Forward to the end so the ledger knows the answer.
	req = req.WithContext(context.WithoutCancel(req.Context()))
	req.Body = io.NopCloser(bytes.NewReader(body))
	var f struct{ KeyId string }
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, err
	}
	d, err := l.kms.DescribeKey(req.Context(), &kms.DescribeKeyInput{KeyId: aws.String(f.KeyId)})
	if err != nil {
		return nil, fmt.Errorf("ledger DescribeKey: %w", err)
	}
	resp, err := l.base.RoundTrip(req)
	status := "no answer"
	if err == nil {
		status = fmt.Sprint(resp.StatusCode)
	}
	l.mu.Lock()
	arn := aws.ToString(d.KeyMetadata.Arn)
	l.imports[arn] = append(l.imports[arn], string(d.KeyMetadata.KeyState)+":"+status)
	l.mu.Unlock()
	return resp, err
}

// fromPending counts the 200 answers local-kms gave to imports into arn
// while it was PendingImport.
func (l *importLedger) fromPending(arn string) (int, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.imports[arn] {
		if r == string(types.KeyStatePendingImport)+":200" {
			n++
		}
	}
	return n, append([]string(nil), l.imports[arn]...)
}

// online is local-kms behind a recording proxy, and the offline side that
// wraps for it on a SoftHSM token.
type online struct {
	*offline
	srv    *kmstest.Server
	direct *kms.Client
	ledger *importLedger
	tr     *kmstest.Transport
	proxy  string
}

func newOnline(t *testing.T) *online {
	srv := kmstest.Start(t)
	direct := kms.New(kms.Options{
		Region: srv.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(kmstest.AccessKeyID, kmstest.SecretAccessKey, ""),
	})
	ledger := &importLedger{kms: direct, base: http.DefaultTransport.(*http.Transport).Clone(), imports: map[string][]string{}}
	tr := kmstest.NewTransport()
	tr.Base = ledger
	return &online{offline: newOffline(t), srv: srv, direct: direct, ledger: ledger, tr: tr, proxy: kmstest.Proxy(t, srv.URL, tr)}
}

// ocmd is `airwrap-online ARGS` in the work dir, reaching local-kms
// through the proxy.
func (o *online) ocmd(args ...string) *exec.Cmd {
	c := exec.Command(onlineBin, args...)
	c.Dir = o.work
	c.Env = append(append(os.Environ(), o.srv.Env()...), "AWS_ENDPOINT_URL_KMS="+o.proxy)
	return c
}

// batch creates n EXTERNAL keys, fetches their parameters with
// airwrap-online prepare and wraps HSM keys aes1..aesN for them with
// airwrap wrap. It returns the key ARNs.
func (o *online) batch(i, n int) []string {
	t := o.t
	t.Helper()
	var arns []string
	args := []string{"prepare", "--wrapping-algorithm", "RSAES_OAEP_SHA_1", "--wrapping-key-spec", "RSA_2048", "--rate", "100/s", "--out", paramsName(i)}
	for k := 0; k < n; k++ {
		out, err := o.direct.CreateKey(context.Background(), &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
		require.NoError(t, err)
		arns = append(arns, aws.ToString(out.KeyMetadata.Arn))
		args = append(args, "--key-id", arns[k])
	}
	run(t, o.ocmd(args...))
	wrap := []string{"wrap", "--params", paramsName(i), "--valid-to", time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339),
		"--signer", "signer", "--operator", "Crash Test", "--out", outName(i)}
	for k, arn := range arns {
		wrap = append(wrap, "--key", fmt.Sprintf("%s=aes%d", arn, k+1))
	}
	run(t, o.cmd(wrap...))
	return arns
}

func paramsName(i int) string { return fmt.Sprintf("params-%d.json", i) }

func (o *online) submit(i int, receipt string) *exec.Cmd {
	return o.ocmd("submit", outName(i), "--trust", "signer.pem", "--params", paramsName(i), "--receipt", receipt)
}

// TestKillSubmit kills `airwrap-online submit` of a 3-key bundle at random
// points after the bundle is verified. The receipt is complete or absent;
// the re-run succeeds, every key ends Enabled, and local-kms took each
// key's material from PendingImport exactly once.
func TestKillSubmit(t *testing.T) {
	o := newOnline(t)
	run(t, o.cmd("signer", "generate", "--label", "signer", "--algorithm", "ECDSA_P256"))
	run(t, o.cmd("signer", "export", "--label", "signer", "--out", "signer.pem"))
	for k := 1; k <= 3; k++ {
		run(t, o.cmd("key", "generate", "--label", fmt.Sprintf("aes%d", k), "--key-spec", "SYMMETRIC_DEFAULT"))
	}
	const verified = " verified: "
	o.batch(0, 3)
	full := calibrate(t, o.submit(0, "receipt-0.json"), verified)
	t.Logf("an uninterrupted submit of 3 keys runs %v after verifying the bundle", full)

	rng := newRNG(t)
	killed := 0
	for i := 1; i <= submitIterations; i++ {
		arns := o.batch(i, 3)
		delay := time.Duration(rng.Int64N(int64(full) * 12 / 10))
		first := fmt.Sprintf("receipt-%d-a.json", i)
		res := runKilled(t, o.submit(i, first), verified, delay)
		if res.killed {
			killed++
		} else {
			require.NoError(t, res.err, "iteration %d (delay %v): submit failed without a kill\n%s", i, delay, res.stderr.String())
		}
		o.ledger.inflight.Wait() // what the killed process sent has landed
		o.checkReceipt(i, delay, first, arns, res.killed)
		second := fmt.Sprintf("receipt-%d-b.json", i)
		run(t, o.submit(i, second)) // the re-run finishes the job
		o.checkReceipt(i, delay, second, arns, false)
		for _, arn := range arns {
			d, err := o.direct.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String(arn)})
			require.NoError(t, err)
			require.Equal(t, types.KeyStateEnabled, d.KeyMetadata.KeyState, "iteration %d (delay %v): %s is %s after the re-run", i, delay, arn, d.KeyMetadata.KeyState)
			n, all := o.ledger.fromPending(arn)
			require.Equal(t, 1, n, "iteration %d (delay %v): %s imported from PendingImport %d times (requests: %v)", i, delay, arn, n, all)
		}
	}
	t.Logf("%d of %d submits killed before they finished", killed, submitIterations)
	require.NotZero(t, killed, "no submit was killed: the delays never hit a running submit")
}

// checkReceipt: a receipt is absent (only after a kill) or parses, names
// every key once and says each holds the material.
func (o *online) checkReceipt(i int, delay time.Duration, name string, arns []string, mayBeAbsent bool) {
	t := o.t
	t.Helper()
	data, err := os.ReadFile(filepath.Join(o.work, name))
	if os.IsNotExist(err) && mayBeAbsent {
		return
	}
	require.NoError(t, err, "iteration %d (delay %v)", i, delay)
	rc, err := kmsimport.ParseReceipt(data)
	require.NoError(t, err, "iteration %d (delay %v): receipt %s", i, delay, name)
	require.Len(t, rc.Entries, len(arns), "iteration %d (delay %v): receipt %s has %d entries, want %d", i, delay, name, len(rc.Entries), len(arns))
	for _, arn := range arns {
		_, ok := rc.Entry(arn)
		require.True(t, ok, "iteration %d (delay %v): receipt %s does not say %s holds the material", i, delay, name, arn)
	}
}
