package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/airwrap/airwrap/bundle"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/kmsimport"
	"github.com/airwrap/airwrap/verify"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// BenchmarkBatch is a whole batch ceremony of n keys (1,000 unless
// AIRWRAP_BENCH_KEYS says otherwise): `wrap` end to end on SoftHSM against
// the floor on the same token, signing and verifying the bundle, `submit`
// to local-kms, the AWS CLI loop, and the binaries' peak RSS. Run it with
// -benchtime=1x: one iteration of each is already n keys.
func BenchmarkBatch(b *testing.B) {
	bt := newBatch(b)
	var bundlePath string

	b.Run("wrap/airwrap", func(b *testing.B) {
		// Each iteration: the whole ceremony, then the floor over the same
		// keys, ceremonyRounds times, so load from elsewhere falls on both.
		tok, err := hsm.Open(bt.config()) // keeps the module loaded for the floor
		require.NoError(b, err)
		defer tok.Close()
		f := newFloor(b, &hsmToken{st: bt.st, tok: tok})
		var tc, tf time.Duration
		var stages [4]time.Duration
		for b.Loop() {
			for range ceremonyRounds {
				t0 := time.Now()
				ph := &phases{start: t0}
				res, err := bt.wrapProgress(bt.main, b.TempDir(), "", ph)
				require.NoError(b, err)
				bundlePath = res.BundlePath
				t1 := time.Now()
				for i, d := range ph.split(t1.Sub(t0)) {
					stages[i] += d
				}
				// The ceremony's C_Logout logged the whole process out, and
				// handles of private objects do not survive that: log in
				// and find them again (not timed).
				f.login(b, bt.st.PIN)
				targets := f.secretHandles(b, bt.main.labels)
				t2 := time.Now()
				for i, h := range targets {
					_, err := f.wrapOAEP(bt.main.pubs[i], h)
					require.NoError(b, err)
				}
				tc, tf = tc+t1.Sub(t0), tf+time.Since(t2)
			}
		}
		n := float64(b.N * ceremonyRounds * bt.n)
		b.ReportMetric(float64(tc)/n/float64(time.Millisecond), "ms/key")
		b.ReportMetric(float64(tf)/n/float64(time.Millisecond), "floor-ms/key")
		b.ReportMetric(float64(tc)/float64(tf), "x-floor")
		for i, name := range []string{"open", "selftest+find", "wrap", "sign+write"} {
			b.ReportMetric(float64(stages[i])/float64(b.N*ceremonyRounds)/float64(time.Millisecond), name+"-ms")
		}
		fi, err := os.Stat(bundlePath)
		require.NoError(b, err)
		b.ReportMetric(float64(fi.Size())/float64(bt.n), "bundle-bytes/key")
		keep := filepath.Join(bt.st.Dir, "import.json") // outlives this sub-benchmark's TempDir
		copyFile(b, bundlePath, keep)
		bundlePath = keep
	})

	b.Run("wrap/paired", func(b *testing.B) {
		// airwrap's per-key HSM path alone, hsm.Token.Wrap of each key found
		// beforehand (one FindKeys, self-test once), alternating key by key
		// with the floor on the same key.
		tok, err := hsm.Open(bt.config())
		require.NoError(b, err)
		defer tok.Close()
		f := newFloor(b, &hsmToken{st: bt.st, tok: tok})
		targets := f.secretHandles(b, bt.main.labels)
		t0 := time.Now()
		_, err = tok.SelfTest()
		require.NoError(b, err)
		t1 := time.Now()
		keys, errs := tok.FindKeys(bt.main.labels)
		for i, err := range errs {
			require.NoError(b, err, "%s", bt.main.labels[i])
		}
		tSelfTest, tFind := t1.Sub(t0), time.Since(t1)
		var tf, ta time.Duration
		for b.Loop() {
			for i, k := range keys {
				t0 := time.Now()
				_, err := f.wrapOAEP(bt.main.pubs[i], targets[i])
				require.NoError(b, err)
				t1 := time.Now()
				_, err = tok.Wrap(k, bt.main.pubs[i], hsm.OAEPSHA1)
				require.NoError(b, err)
				tf, ta = tf+t1.Sub(t0), ta+time.Since(t1)
			}
		}
		reportPair(b, tf, ta, b.N*bt.n)
		// after the loop: b.Loop's start deletes metrics reported before it
		b.ReportMetric(float64(tSelfTest)/float64(time.Millisecond), "selftest-ms")
		b.ReportMetric(float64(tFind)/float64(time.Millisecond), "findkeys-ms")
	})
	latencyRuns(b, bt)
	require.NotEmpty(b, bundlePath, "no bundle: wrap/airwrap did not run (keep it in -bench)")
	data, err := os.ReadFile(bundlePath)
	require.NoError(b, err)
	env, err := bundle.ParseEnvelope(data)
	require.NoError(b, err)
	trusted := []verify.TrustedKey{bt.trusted(b)}
	payload, _, err := verify.VerifyEnvelope(env, trusted, 1)
	require.NoError(b, err)

	b.Run("bundle/sign", func(b *testing.B) {
		tok, err := hsm.Open(bt.config())
		require.NoError(b, err)
		defer tok.Close()
		s, err := tok.FindSigner("signer")
		require.NoError(b, err)
		for b.Loop() {
			_, err := bundle.SignEnvelope(bundle.ImportPayloadType, payload, s)
			require.NoError(b, err)
		}
	})
	b.Run("bundle/verify", func(b *testing.B) {
		for b.Loop() {
			_, _, err := verify.VerifyEnvelope(env, trusted, 1)
			require.NoError(b, err)
		}
	})

	p, err := bundle.ParseImportPayload(payload)
	require.NoError(b, err)
	b.Run("submit/airwrap", func(b *testing.B) {
		// Iterations after the first re-import the same material ("already-imported").
		for b.Loop() {
			rc, err := kmsimport.Submit(context.Background(), bt.api, kmsimport.SubmitRequest{Payload: p, BundleSHA256: bundle.SHA256Hex(data), Rate: pacingOff})
			require.NoError(b, err)
			require.Len(b, rc.Entries, bt.n, "receipt has %d entries", len(rc.Entries))
		}
		perKey(b, bt.n)
	})

	b.Run("submit/awscli-loop", func(b *testing.B) {
		dir := b.TempDir()
		res, err := bt.wrap(bt.sample, dir, filepath.Join(dir, "aws"))
		require.NoError(b, err)
		script := awscliScript(b, bt, dir, res.AWSCLICommands)
		for b.Loop() {
			runScript(b, script)
		}
		perKey(b, cliKeys)
	})

	b.Run("rss/wrap", func(b *testing.B) {
		bins := buildBinaries(b)
		for b.Loop() {
			rss := bt.wrapRSS(b, bins)
			b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
		}
	})
	b.Run("rss/submit", func(b *testing.B) {
		bins := buildBinaries(b)
		for b.Loop() {
			rss := bt.submitRSS(b, bins, bundlePath)
			b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
		}
	})
}

// pacingOff is a request rate no client reaches: submit without pacing.
const pacingOff = 1e6

// ceremonyRounds is how many whole ceremonies one iteration of wrap/airwrap runs.
const ceremonyRounds = 3

// perKey reports the time per key of one iteration over n keys.
func perKey(b *testing.B, n int) {
	if b.N == 0 {
		return
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(n)/float64(time.Millisecond), "ms/key")
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	data, err := os.ReadFile(from)
	require.NoError(b, err)
	require.NoError(b, os.WriteFile(to, data, 0o600))
}

// secretHandles finds the secret keys with these labels in one scan (setup).
func (f *floor) secretHandles(b *testing.B, labels []string) []pkcs11.ObjectHandle {
	b.Helper()
	require.NoError(b, f.ctx.FindObjectsInit(f.sh, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY)}))
	var all []pkcs11.ObjectHandle
	for {
		hs, _, err := f.ctx.FindObjects(f.sh, 256)
		require.NoError(b, err)
		if len(hs) == 0 {
			break
		}
		all = append(all, hs...)
	}
	_ = f.ctx.FindObjectsFinal(f.sh)
	byLabel := map[string]pkcs11.ObjectHandle{}
	for _, h := range all {
		a, err := f.ctx.GetAttributeValue(f.sh, h, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_LABEL, nil)})
		if err == nil {
			byLabel[string(a[0].Value)] = h
		}
	}
	out := make([]pkcs11.ObjectHandle, len(labels))
	for i, l := range labels {
		h, ok := byLabel[l]
		require.True(b, ok, "no secret key %q", l)
		out[i] = h
	}
	return out
}
