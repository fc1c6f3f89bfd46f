//go:build airwrapbench

package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/airwrap/airwrap/ceremony"
	"github.com/airwrap/airwrap/hsm"
	"github.com/airwrap/airwrap/internal/testkit/ceremonytest"
	"github.com/airwrap/airwrap/kmsrules"
	softhsmtest "github.com/airwrap/airwrap/softhsm-test"
	"github.com/miekg/pkcs11"
	"github.com/stretchr/testify/require"
)

// The PKCS#11 calls airwrap makes, counted exactly (hsm.Meter, built only
// with -tags airwrapbench), against the floor's, per key and per ceremony,
// for each wrapping algorithm, on a token that already holds 10, 1,000 and
// 10,000 key objects; and the 1,000-key batch timed with a fixed delay added
// to every call (BenchmarkBatch's wrap/latency=...): a model of a networked
// or USB HSM, where every call is a round trip.

// objectsEnv overrides the token sizes of BenchmarkCalls ("10,1000,10000").
const objectsEnv = "AIRWRAP_BENCH_OBJECTS"

// callsKeys is how many keys the larger of the two ceremonies per case
// wraps: calls per key = (calls of callsKeys keys - calls of 1) / (callsKeys - 1).
const callsKeys = 3

type callsCase struct {
	alg, spec, prefix string
	class             uint
	oaep              bool
}

var callsCases = []callsCase{
	{string(kmsrules.RSAESOAEPSHA1), "SYMMETRIC_DEFAULT", "aes", pkcs11.CKO_SECRET_KEY, true},
	{string(kmsrules.RSAESOAEPSHA1), "HMAC_256", "hmac", pkcs11.CKO_SECRET_KEY, true},
	{string(kmsrules.RSAAESKeyWrapSHA1), "ECC_NIST_P384", "ec", pkcs11.CKO_PRIVATE_KEY, false},
}

func objectCounts(b *testing.B) []int {
	b.Helper()
	s := os.Getenv(objectsEnv)
	if s == "" {
		return []int{10, 1000, 10000}
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		require.NoError(b, err, "%s=%q: want rising counts of at least 10", objectsEnv, s)
		require.GreaterOrEqual(b, n, 10, "%s=%q: want rising counts of at least 10", objectsEnv, s)
		require.False(b, len(out) > 0 && n <= out[len(out)-1], "%s=%q: want rising counts of at least 10", objectsEnv, s)
		out = append(out, n)
	}
	return out
}

// BenchmarkCalls counts the PKCS#11 calls of `wrap` end to end
// (ceremony.Wrap: open, self-test, find the keys and the signer, wrap, sign)
// of 1 and of callsKeys keys per case, and the floor's for the same keys,
// on one token grown from 10 to 10,000 key objects (AES keys made with one
// C_CreateObject each; setup, not counted). Run it with -benchtime=1x.
func BenchmarkCalls(b *testing.B) {
	meter, uninstall := hsm.InstallMeter(0)
	defer uninstall()
	h := &hsmToken{}
	ct := &callsToken{}
	ct.setup(b, h)
	defer h.tok.Close()
	for _, n := range objectCounts(b) {
		ct.fill(b, n)
		for _, c := range callsCases {
			b.Run(fmt.Sprintf("objects=%d/%s/%s", n, c.alg, c.spec), func(b *testing.B) {
				var one, many, fone, fmany int
				for b.Loop() {
					one = ct.ceremony(b, meter, c, 1)
					byOne := ct.last
					many = ct.ceremony(b, meter, c, callsKeys)
					b.Logf("calls by function: 1 key %s; per more key %s", byFunction(byOne, nil, 1), byFunction(ct.last, byOne, callsKeys-1))
					fone, fmany = ct.floorCalls(b, c, 1), ct.floorCalls(b, c, callsKeys)
				}
				perKey, fPerKey := float64(many-one)/(callsKeys-1), float64(fmany-fone)/(callsKeys-1)
				b.ReportMetric(perKey, "calls/key")
				b.ReportMetric(fPerKey, "floor-calls/key")
				b.ReportMetric(float64(one)-perKey, "calls/ceremony")
				b.ReportMetric(float64(fone)-fPerKey, "floor-calls/ceremony")
			})
		}
		for _, d := range []time.Duration{0, 2 * time.Millisecond} {
			if d > 0 && n > 1000 {
				continue // a scan of 10,000 objects at 2 ms a call takes 40 s: the 1-key ceremony shows the point
			}
			for _, strategy := range []string{"label", "scan"} {
				b.Run(fmt.Sprintf("objects=%d/find/latency=%s/%s", n, d, strategy), func(b *testing.B) {
					ct.find(b, meter, d, strategy)
				})
			}
		}
	}
}

// findLabels are the keys the lookup benchmarks find: every secret key
// made for the ceremonies (an EC key's check value needs a search of its
// own, whichever way it is found).
var findLabels = []string{"aes-0", "aes-1", "aes-2", "hmac-0", "hmac-1", "hmac-2"}

// find times FindKeys of findLabels searching by label or scanning, with d
// added to every call: ms/key and calls/key. A scan's cost is the token's
// (one read per key object), so it is reported per key of this batch too:
// a batch of k keys costs a scan's total whatever k is.
func (ct *callsToken) find(b *testing.B, meter *hsm.Meter, d time.Duration, strategy string) {
	hsm.ForceLookup(strategy)
	defer hsm.ForceLookup("")
	ct.f.login(b, ct.h.st.PIN) // a ceremony's C_Logout logged the process out
	var el time.Duration
	var calls int
	for b.Loop() {
		meter.Reset(d)
		t0 := time.Now()
		_, errs := ct.h.tok.FindKeys(findLabels)
		el += time.Since(t0)
		require.NoError(b, errors.Join(errs...))
		_, n := meter.Calls()
		calls += n
	}
	meter.Reset(0)
	keys := float64(b.N * len(findLabels))
	b.ReportMetric(float64(el)/keys/float64(time.Millisecond), "ms/key")
	b.ReportMetric(float64(calls)/keys, "calls/key")
}

// callsToken is one token for BenchmarkCalls: callsKeys keys per case, a
// signer, and filler AES keys up to the size asked.
type callsToken struct {
	h       *hsmToken
	f       *floor
	objects int // secret and private key objects on the token
	params  map[string][2]*ceremonytest.Made
	last    map[string]int // the last ceremony's calls by function
}

func (ct *callsToken) setup(b *testing.B, h *hsmToken) {
	b.Helper()
	ct.h = h
	h.st = softhsmtest.New(b)
	tok, err := hsm.Open(h.config())
	require.NoError(b, err)
	h.tok = tok
	ct.f = newFloor(b, h)
	ct.params = map[string][2]*ceremonytest.Made{}
	for _, c := range callsCases {
		var made [2]*ceremonytest.Made
		for i, n := range []int{1, callsKeys} {
			var entries []ceremonytest.Entry
			for range n {
				entries = append(entries, ceremonytest.Entry{KeySpec: c.spec, WrappingAlgorithm: c.alg})
			}
			made[i], err = ceremonytest.Params(time.Now(), entries...)
			require.NoError(b, err)
		}
		ct.params[c.prefix] = made
		for i := range callsKeys {
			h.key(b, fmt.Sprintf("%s-%d", c.prefix, i), c.spec)
		}
		ct.objects += callsKeys
	}
	_, err = tok.GenerateSigner("signer", hsm.SignerECDSAP384)
	require.NoError(b, err)
	ct.objects++
}

// fill adds AES-256 token keys until the token holds n key objects.
func (ct *callsToken) fill(b *testing.B, n int) {
	b.Helper()
	ct.f.login(b, ct.h.st.PIN) // a ceremony's C_Logout logged the process out
	start, made := time.Now(), 0
	for ; ct.objects < n; ct.objects++ {
		_, err := ct.f.ctx.CreateObject(ct.f.sh, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
			pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
			pkcs11.NewAttribute(pkcs11.CKA_VALUE, make([]byte, 32)),
			pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
			pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
			pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
			pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),
			pkcs11.NewAttribute(pkcs11.CKA_LABEL, fmt.Sprintf("fill-%05d", ct.objects)),
		})
		require.NoError(b, err)
		made++
	}
	if made > 0 {
		b.Logf("setup: %d more key objects (now %d) in %s", made, ct.objects, time.Since(start).Round(time.Second))
	}
}

// ceremony runs `wrap` of n keys of case c and returns its PKCS#11 calls.
func (ct *callsToken) ceremony(b *testing.B, meter *hsm.Meter, c callsCase, n int) int {
	b.Helper()
	made := ct.params[c.prefix][0]
	if n > 1 {
		made = ct.params[c.prefix][1]
	}
	var keys []ceremony.KeySelect
	for i := range n {
		keys = append(keys, ceremony.KeySelect{ARN: made.ARNs[i], Label: fmt.Sprintf("%s-%d", c.prefix, i)})
	}
	meter.Reset(0)
	_, err := ceremony.Wrap(context.Background(), ceremony.Options{
		Params: made.Data, ParamsPath: "params.json", Keys: keys, NoExpiry: true,
		SignerLabel: "signer", Operators: []string{"Bench Officer"},
		Out: b.TempDir() + "/import.json", ToolVersion: "bench",
		Open: func() (ceremony.Token, error) { return hsm.Open(ct.h.config()) },
	})
	require.NoError(b, err)
	by, total := meter.Calls()
	ct.last = by
	return total
}

// floorCalls counts the floor's calls for n keys of case c: find the token
// (C_GetSlotList, C_GetTokenInfo per slot), open a session and log in; per
// key one search by class and label and the wrap; log out, close.
func (ct *callsToken) floorCalls(b *testing.B, c callsCase, n int) int {
	b.Helper()
	p, m := hsm.MeterOver(ct.f.ctx, 0)
	slots, err := p.GetSlotList(true)
	require.NoError(b, err)
	var slot uint
	for _, s := range slots {
		if ti, err := p.GetTokenInfo(s); err == nil && strings.TrimRight(ti.Label, " \x00") == ct.h.st.Label {
			slot = s
		}
	}
	sh, err := p.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	require.NoError(b, err)
	err = p.Login(sh, pkcs11.CKU_USER, ct.h.st.PIN)
	require.False(b, err != nil && !isCKR(err, pkcs11.CKR_USER_ALREADY_LOGGED_IN), "%v", err)
	f := &floor{ctx: ct.f.ctx, p: p, sh: sh}
	made := ct.params[c.prefix][1]
	for i := range n {
		target, err := f.lookup(c.class, fmt.Sprintf("%s-%d", c.prefix, i))
		require.NoError(b, err)
		pub := &made.Keys[i].PublicKey
		if c.oaep {
			_, err = f.wrapOAEP(pub, target)
		} else {
			_, err = f.wrapRSAAES(pub, target)
		}
		require.NoError(b, err)
	}
	_ = p.Logout(sh)
	require.NoError(b, p.CloseSession(sh))
	_, total := m.Calls()
	return total
}

// byFunction formats calls by function (minus base, divided by n), sorted.
func byFunction(calls, base map[string]int, n int) string {
	var parts []string
	for f, c := range calls {
		if d := float64(c-base[f]) / float64(n); d != 0 {
			parts = append(parts, fmt.Sprintf("%s %.4g", strings.TrimPrefix(f, "C_"), d))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// latencies are the delays BenchmarkBatch adds to every PKCS#11 call in
// its wrap/latency=... runs: a fast network HSM, and a slower one or a USB
// HSM.
var latencies = []time.Duration{500 * time.Microsecond, 2 * time.Millisecond}

// latencyRuns is BenchmarkBatch's `wrap` end to end again with every
// PKCS#11 call delayed by each of latencies, against the floor with the
// same delay: one ceremony, then the floor over the same keys (handles
// found beforehand, not timed, as in wrap/airwrap).
func latencyRuns(b *testing.B, bt *batch) {
	for _, d := range latencies {
		b.Run(fmt.Sprintf("wrap/latency=%s", d), func(b *testing.B) {
			meter, uninstall := hsm.InstallMeter(d)
			defer uninstall()
			tok, err := hsm.Open(bt.config()) // loads the module under the meter, keeps it for the floor
			require.NoError(b, err)
			defer tok.Close()
			f := newFloor(b, &hsmToken{st: bt.st, tok: tok})
			fp, fm := hsm.MeterOver(f.ctx, d)
			var tc, tf time.Duration
			var calls, floorCalls int
			for b.Loop() {
				meter.Reset(d)
				t0 := time.Now()
				_, err := bt.wrap(bt.main, b.TempDir(), "")
				require.NoError(b, err)
				tc += time.Since(t0)
				by, n := meter.Calls()
				calls += n
				b.Logf("calls per key, by function: %s", byFunction(by, nil, bt.n))
				f.login(b, bt.st.PIN)
				targets := f.secretHandles(b, bt.main.labels)
				f.p = fp
				fm.Reset(d)
				t1 := time.Now()
				for i, h := range targets {
					_, err := f.wrapOAEP(bt.main.pubs[i], h)
					require.NoError(b, err)
				}
				tf += time.Since(t1)
				f.p = f.ctx
				_, n = fm.Calls()
				floorCalls += n
			}
			keys := float64(b.N * bt.n)
			b.ReportMetric(float64(tc)/keys/float64(time.Millisecond), "ms/key")
			b.ReportMetric(float64(tf)/keys/float64(time.Millisecond), "floor-ms/key")
			b.ReportMetric(float64(tc)/float64(tf), "x-floor")
			b.ReportMetric(float64(calls)/keys, "calls/key")
			b.ReportMetric(float64(floorCalls)/keys, "floor-calls/key")
		})
	}
}

// lookup finds the key of class labelled label, the least a tool given
// labels must do: one search, the first handle it gives (the floor trusts
// the label to be unique; airwrap checks). The call counts' floor includes it.
func (f *floor) lookup(class uint, label string) (pkcs11.ObjectHandle, error) {
	tmpl := []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, class), pkcs11.NewAttribute(pkcs11.CKA_LABEL, label)}
	if err := f.p.FindObjectsInit(f.sh, tmpl); err != nil {
		return 0, err
	}
	hs, _, err := f.p.FindObjects(f.sh, 1)
	if ferr := f.p.FindObjectsFinal(f.sh); err == nil {
		err = ferr
	}
	if err == nil && len(hs) != 1 {
		err = fmt.Errorf("no object labelled %q", label)
	}
	if err != nil {
		return 0, err
	}
	return hs[0], nil
}
