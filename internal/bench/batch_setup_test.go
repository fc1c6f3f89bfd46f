package bench

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/testkit/kmstest"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/kmsrules"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/require"
)

// batchSizeEnv overrides the batch size (default 1,000) for a quick look.
const batchSizeEnv = "AIRWRAP_BENCH_KEYS"

// cliKeys is how many keys the AWS CLI loop imports: the CLI takes about a
// second per key, so the loop runs on a sample and reports per key.
const cliKeys = 20

func batchSize(b *testing.B) int {
	b.Helper()
	s := os.Getenv(batchSizeEnv)
	if s == "" {
		return 1000
	}
	n, err := strconv.Atoi(s)
	require.NoError(b, err, "%s=%q: want a positive number", batchSizeEnv, s)
	require.GreaterOrEqual(b, n, 1, "%s=%q: want a positive number", batchSizeEnv, s)
	return n
}

// batch is a SoftHSM token with one AES-256 key per KMS key and a signer,
// and a local-kms with EXTERNAL keys whose import parameters airwrap-online
// fetched (RSAES_OAEP_SHA_1 under RSA_2048: all local-kms can unwrap). Each
// GetParametersForImport gives its own wrapping key, as KMS does.
type batch struct {
	st     *softhsmtest.Token
	srv    *kmstest.Server
	api    *kms.Client
	n      int
	main   keySet // the n-key batch
	sample keySet // cliKeys more, for the AWS CLI loop
}

type keySet struct {
	params []byte
	keys   []ceremony.KeySelect
	labels []string
	pubs   []*rsa.PublicKey
}

func newBatch(b *testing.B) *batch {
	b.Helper()
	bt := &batch{n: batchSize(b)}
	bt.srv = kmstest.Start(b)
	bt.srv.SetEnv(b)
	api, err := kmsimport.NewClient(context.Background(), kmsimport.ClientOptions{EndpointURL: bt.srv.URL})
	require.NoError(b, err)
	bt.api = api
	bt.st = softhsmtest.New(b)
	tok, err := hsm.Open(bt.config())
	require.NoError(b, err)
	defer tok.Close()
	start := time.Now()
	bt.main = bt.keySet(b, tok, "aes", bt.n)
	bt.sample = bt.keySet(b, tok, "cli", cliKeys)
	_, err = tok.GenerateSigner("signer", hsm.SignerECDSAP384)
	require.NoError(b, err)
	b.Logf("setup: %d KMS keys with parameters and %d SoftHSM keys in %s", bt.n+cliKeys, bt.n+cliKeys, time.Since(start).Round(time.Second))
	return bt
}

func (bt *batch) config() hsm.Config {
	return hsm.Config{ModulePath: bt.st.Module, TokenLabel: bt.st.Label, PIN: []byte(bt.st.PIN), HMACCheckInput: ceremony.HMACCheckInput()}
}

func (bt *batch) open() (ceremony.Token, error) {
	t, err := hsm.Open(bt.config())
	if err != nil {
		return nil, err
	}
	return t, nil
}

// keySet creates n EXTERNAL KMS keys, fetches their parameters with pacing
// off, and generates an AES-256 key on the token for each. The token's keys
// are made while local-kms makes its wrapping keys (setup, not timed).
func (bt *batch) keySet(b *testing.B, tok *hsm.Token, prefix string, n int) keySet {
	b.Helper()
	var ks keySet
	for i := range n {
		ks.labels = append(ks.labels, fmt.Sprintf("%s-%04d", prefix, i))
	}
	genErr := make(chan error, 1)
	go func() {
		for _, label := range ks.labels {
			if _, err := ceremony.GenerateKey(tok, label, "SYMMETRIC_DEFAULT"); err != nil {
				genErr <- err
				return
			}
		}
		genErr <- nil
	}()
	p, err := bt.params(n)
	gerr := <-genErr
	require.NoError(b, errors.Join(gerr, err))
	ks.params, err = bundle.MarshalParams(p)
	require.NoError(b, err)
	for i, e := range p.Entries {
		pub, err := x509.ParsePKIXPublicKey(e.PublicKey)
		require.NoError(b, err)
		ks.pubs = append(ks.pubs, pub.(*rsa.PublicKey))
		ks.keys = append(ks.keys, ceremony.KeySelect{ARN: e.KeyARN, Label: ks.labels[i]})
	}
	return ks
}

// params creates n EXTERNAL KMS keys and fetches their parameters, in two
// halves at once (local-kms generates an RSA key for each).
func (bt *batch) params(n int) (*bundle.Params, error) {
	ctx := context.Background()
	var ids []string
	for range n {
		info, err := kmsimport.CreateKey(ctx, bt.api, kmsimport.CreateKeyRequest{KeySpec: "SYMMETRIC_DEFAULT", Description: "airwrap bench"})
		if err != nil {
			return nil, err
		}
		ids = append(ids, info.ARN)
	}
	halves := [][]string{ids[:n/2], ids[n/2:]}
	out := make([]*bundle.Params, len(halves))
	errs := make([]error, len(halves))
	var wg sync.WaitGroup
	for i, h := range halves {
		if len(h) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = kmsimport.Prepare(ctx, bt.api, kmsimport.PrepareRequest{
				KeyIDs: h, WrappingAlgorithm: string(kmsrules.RSAESOAEPSHA1), WrappingKeySpec: "RSA_2048", Rate: 1e6, ToolVersion: "bench",
			})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	p := out[1]
	if out[0] != nil {
		p.Entries = append(out[0].Entries, p.Entries...)
	}
	return p, nil
}

// wrap runs the ceremony on ks into dir.
func (bt *batch) wrap(ks keySet, dir, awscli string) (*ceremony.Result, error) {
	return bt.wrapProgress(ks, dir, awscli, nil)
}

// wrapProgress is wrap with its progress lines written to progress.
func (bt *batch) wrapProgress(ks keySet, dir, awscli string, progress io.Writer) (*ceremony.Result, error) {
	return ceremony.Wrap(context.Background(), ceremony.Options{
		Params: ks.params, ParamsPath: "params.json", Keys: ks.keys, NoExpiry: true,
		SignerLabel: "signer", Operators: []string{"Bench Officer"},
		Out: dir + "/import.json", AWSCLIDir: awscli, ToolVersion: "bench", Open: bt.open, Progress: progress,
	})
}

// phases times a ceremony's stages from its progress lines: from the start
// to "running known-answer tests" (validating the request, opening the
// token), then to the first "wrapping" line (the self-tests, finding the
// keys and the signer), then to "signing" (every wrap), then to the end
// (signing, verifying, writing the files).
type phases struct {
	start time.Time
	marks [3]time.Duration
}

var phaseLines = [3]string{"airwrap: running known-answer tests", "airwrap: wrapping 1/", "airwrap: signing"}

func (p *phases) Write(b []byte) (int, error) {
	for i, l := range phaseLines {
		if p.marks[i] == 0 && bytes.HasPrefix(b, []byte(l)) {
			p.marks[i] = time.Since(p.start)
		}
	}
	return len(b), nil
}

// split returns the four stages' durations, given the whole run's.
func (p *phases) split(total time.Duration) [4]time.Duration {
	return [4]time.Duration{p.marks[0], p.marks[1] - p.marks[0], p.marks[2] - p.marks[1], total - p.marks[2]}
}
