#!/usr/bin/env bash
# bench.sh: airwrap's benchmarks on a throwaway SoftHSM token and local-kms,
# then a short table. docs/PERFORMANCE.md records and explains the numbers.
#   scripts/bench.sh            # everything (6 to 10 minutes on 2 cores)
#   AIRWRAP_BENCH_KEYS=100 AIRWRAP_BENCH_OBJECTS=10,1000 scripts/bench.sh   # a quick look
# Built with -tags airwrapbench: the PKCS#11 meter (hsm/meter.go) that
# counts calls and adds latency is only in that build.
# Raw `go test -bench` output is kept in bin/bench.out (or $BENCH_OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
OUT=${BENCH_OUT:-bin/bench.out}
mkdir -p "$(dirname "$OUT")"

{
	echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git describe --always --dirty 2>/dev/null || echo dev)"
	echo "# $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
	echo "# SoftHSM $(softhsm2-util --version); $(openssl version | cut -d' ' -f1-2); $( (/usr/bin/aws --version 2>/dev/null || echo 'no AWS CLI v2') | cut -d' ' -f1); $($GO version | cut -d' ' -f3)"
} >"$OUT"
cat "$OUT"
[ -x /usr/bin/time ] || echo "bench: warning: no GNU time at /usr/bin/time (apt-get install time): no peak RSS figures" >&2
[ -x /usr/bin/aws ] || echo "bench: warning: no AWS CLI v2 at /usr/bin/aws (apt-get install awscli): no CLI baseline" >&2

echo "bench: per-key wrap and signing (SoftHSM, floor, OpenSSL recipe)..." >&2
$GO test -tags airwrapbench -run '^$' -bench '^Benchmark(Wrap|Sign)$' -benchmem -benchtime 1s -count 1 ./internal/bench | tee -a "$OUT" >&2
echo "bench: PKCS#11 calls on tokens of ${AIRWRAP_BENCH_OBJECTS:-10,1000,10000} key objects (filling the token takes a few minutes)..." >&2
$GO test -tags airwrapbench -run '^$' -bench '^BenchmarkCalls$' -benchtime 1x -count 1 -timeout 30m ./internal/bench | tee -a "$OUT" >&2
echo "bench: batch of ${AIRWRAP_BENCH_KEYS:-1000} keys (SoftHSM, latency model, local-kms, AWS CLI, binaries)..." >&2
$GO test -tags airwrapbench -run '^$' -bench '^BenchmarkBatch$' -benchmem -benchtime 1x -count 1 -timeout 30m ./internal/bench | tee -a "$OUT" >&2

echo
awk -v keys="${AIRWRAP_BENCH_KEYS:-1000}" '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	if (!(name in ns)) order[++count] = name
	ns[name] = $3
	for (i = 5; i < NF; i += 2) metric[name, $(i+1)] = $i
}
function ms(x) { return sprintf("%.3f ms", x / 1e6) }
function us(x) { return sprintf("%.3f ms", x / 1e3) }
function row(label, a, b, c) { printf "%-60s %12s %12s %10s\n", label, a, b, c }
END {
	row("per key (RSA_4096 wrapping key; floor and airwrap alternate)", "airwrap", "floor", "ratio")
	n = split("Wrap/RSAES_OAEP_SHA_1/SYMMETRIC_DEFAULT Wrap/RSAES_OAEP_SHA_1/HMAC_256 Wrap/RSA_AES_KEY_WRAP_SHA_1/ECC_NIST_P384 Sign/ECDSA_P384", cases, " ")
	for (i = 1; i <= n; i++) {
		p = cases[i] "/paired"; o = cases[i] "/openssl"
		if (!(p in ns)) continue
		label = cases[i]; sub(/^Wrap\//, "wrap ", label); sub(/^Sign\//, "sign ", label)
		row(label, us(metric[p, "airwrap-us/key"]), us(metric[p, "floor-us/key"]), sprintf("%.2fx", metric[p, "x-floor"]))
		if (o in ns) row("  AWS recipe with openssl (software, key in the clear)", ms(ns[o]), "", sprintf("%.1fx slower", ns[o] / 1e3 / metric[p, "airwrap-us/key"]))
	}
	print ""
	row("batch of " keys " keys (RSA_2048, RSAES_OAEP_SHA_1)", "total", "per key", "ratio")
	w = "Batch/wrap/airwrap"; p = "Batch/wrap/paired"
	if (w in ns) {
		row("airwrap wrap end to end (KATs, checks, transcript, sign, write)", sprintf("%.2f s", metric[w, "ms/key"] * keys / 1e3), sprintf("%.3f ms", metric[w, "ms/key"]), sprintf("%.2fx", metric[w, "x-floor"]))
		row("  floor, alternating with it", sprintf("%.2f s", metric[w, "floor-ms/key"] * keys / 1e3), sprintf("%.3f ms", metric[w, "floor-ms/key"]), "")
		row("  stage: validate the request, open the token", sprintf("%.0f ms", metric[w, "open-ms"]), "", "")
		row("  stage: self-tests, find the keys and the signer", sprintf("%.0f ms", metric[w, "selftest+find-ms"]), "", "")
		if (p in ns) row("    of which self-tests; FindKeys of the batch (wrap/paired)", sprintf("%.0f ms", metric[p, "selftest-ms"]), sprintf("%.0f ms", metric[p, "findkeys-ms"]), "")
		row("  stage: wrap every key (and its transcript lines)", sprintf("%.0f ms", metric[w, "wrap-ms"]), "", "")
		row("  stage: build the payload, sign, verify, write the files", sprintf("%.0f ms", metric[w, "sign+write-ms"]), "", "")
	}
	if (p in ns) {
		row("  airwrap per-key HSM path (hsm.Token.Wrap), same keys", "", us(metric[p, "airwrap-us/key"]), sprintf("%.2fx", metric[p, "x-floor"]))
		row("  floor, alternating key by key with it", "", us(metric[p, "floor-us/key"]), "")
	}
	for (i = 1; i <= count; i++) {
		l = order[i]
		if (l !~ /^Batch\/wrap\/latency=/) continue
		d = l; sub(/^Batch\/wrap\/latency=/, "", d)
		row("airwrap wrap end to end, " d " added to every PKCS#11 call", sprintf("%.2f s", metric[l, "ms/key"] * keys / 1e3), sprintf("%.3f ms", metric[l, "ms/key"]), sprintf("%.2fx", metric[l, "x-floor"]))
		row("  floor, same delay", sprintf("%.2f s", metric[l, "floor-ms/key"] * keys / 1e3), sprintf("%.3f ms", metric[l, "floor-ms/key"]), "")
		row("  PKCS#11 calls per key: airwrap (all calls / keys), floor", sprintf("%.2f", metric[l, "calls/key"]), sprintf("%.2f", metric[l, "floor-calls/key"]), "")
	}
	if (w in ns) row("  bundle size", sprintf("%.2f MiB", metric[w, "bundle-bytes/key"] * keys / 1048576), sprintf("%d B", metric[w, "bundle-bytes/key"]), "")
	if ("Batch/bundle/sign" in ns) row("sign the bundle in the HSM (DSSE, verified right after)", ms(ns["Batch/bundle/sign"]), "", "")
	if ("Batch/bundle/verify" in ns) row("verify the bundle signature", ms(ns["Batch/bundle/verify"]), "", "")
	s = "Batch/submit/airwrap"; c = "Batch/submit/awscli-loop"
	if (s in ns) row("airwrap-online submit to local-kms, pacing off", sprintf("%.2f s", ns[s] / 1e9), sprintf("%.3f ms", metric[s, "ms/key"]), "")
	if (c in ns) row("  aws kms import-key-material loop (20-key sample)", sprintf("%.1f s", ns[c] / 1e9), sprintf("%.1f ms", metric[c, "ms/key"]), sprintf("%.0fx slower", metric[c, "ms/key"] / metric[s, "ms/key"]))
	if ("Batch/rss/wrap" in ns) row("peak RSS, airwrap wrap of the batch (binary)", sprintf("%.1f MiB", metric["Batch/rss/wrap", "peak-RSS-MiB"]), "", "")
	if ("Batch/rss/submit" in ns) row("peak RSS, airwrap-online submit of the batch (binary)", sprintf("%.1f MiB", metric["Batch/rss/submit", "peak-RSS-MiB"]), "", "")

	print ""
	printf "%-44s %8s %12s %12s %14s %14s\n", "PKCS#11 C calls of wrap (exact)", "objects", "per key", "floor", "per ceremony", "floor"
	for (i = 1; i <= count; i++) {
		l = order[i]
		if (l !~ /^Calls\/objects=/ || l ~ /\/find\//) continue
		split(l, f, "/"); o = f[2]; sub(/^objects=/, "", o)
		printf "%-44s %8s %12.1f %12.1f %14.1f %14.1f\n", f[3] "/" f[4], o, metric[l, "calls/key"], metric[l, "floor-calls/key"], metric[l, "calls/ceremony"], metric[l, "floor-calls/ceremony"]
	}
	print ""
	printf "%-44s %8s %12s %12s %14s %14s\n", "FindKeys of 6 secret keys, SoftHSM", "objects", "label ms/key", "calls/key", "scan ms/key", "calls/key"
	for (i = 1; i <= count; i++) {
		l = order[i]
		if (l !~ /^Calls\/objects=.*\/find\/.*\/label$/) continue
		sc = l; sub(/label$/, "scan", sc)
		split(l, f, "/"); o = f[2]; sub(/^objects=/, "", o); d = f[4]; sub(/^latency=/, "", d)
		printf "%-44s %8s %12.3f %12.1f %14.3f %14.1f\n", "  " d " added to every call", o, metric[l, "ms/key"], metric[l, "calls/key"], metric[sc, "ms/key"], metric[sc, "calls/key"]
	}
}' "$OUT"
