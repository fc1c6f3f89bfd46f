#!/usr/bin/env bash
# bench.sh: airwrap's benchmarks on a throwaway SoftHSM token and local-kms,
# then a short table. docs/PERFORMANCE.md records and explains the numbers.
#   scripts/bench.sh            # everything (about 5 minutes on 2 cores)
#   AIRWRAP_BENCH_KEYS=100 scripts/bench.sh   # a smaller batch, for a quick look
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

echo "bench: per-key wrap and signing (SoftHSM, floor, OpenSSL recipe)..." >&2
$GO test -run '^$' -bench '^Benchmark(Wrap|Sign)$' -benchmem -benchtime 1s -count 1 ./bench | tee -a "$OUT" >&2
echo "bench: batch of ${AIRWRAP_BENCH_KEYS:-1000} keys (SoftHSM, local-kms, AWS CLI, binaries)..." >&2
$GO test -run '^$' -bench '^BenchmarkBatch$' -benchmem -benchtime 1x -count 1 -timeout 30m ./bench | tee -a "$OUT" >&2

echo
awk -v keys="${AIRWRAP_BENCH_KEYS:-1000}" '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	ns[name] = $3
	for (i = 5; i < NF; i += 2) metric[name, $(i+1)] = $i
}
function ms(x) { return sprintf("%.3f ms", x / 1e6) }
function ratio(a, b) { return (b > 0) ? sprintf("%.2fx", a / b) : "-" }
END {
	printf "%-58s %12s %12s %9s\n", "per key (RSA_4096 wrapping key)", "airwrap", "floor", "ratio"
	n = split("RSAES_OAEP_SHA_1/SYMMETRIC_DEFAULT RSAES_OAEP_SHA_1/HMAC_256 RSA_AES_KEY_WRAP_SHA_1/ECC_NIST_P384", algs, " ")
	for (i = 1; i <= n; i++) {
		a = "Wrap/" algs[i] "/airwrap"; f = "Wrap/" algs[i] "/floor"; o = "Wrap/" algs[i] "/openssl"
		if (!(a in ns)) continue
		printf "%-58s %12s %12s %9s\n", "wrap " algs[i], ms(ns[a]), ms(ns[f]), ratio(ns[a], ns[f])
		if (o in ns) printf "%-58s %12s %12s %9s\n", "  AWS recipe, openssl (software, key in the clear)", ms(ns[o]), "", ratio(ns[o], ns[a]) " slower"
	}
	if ("Sign/ECDSA_P384/airwrap" in ns)
		printf "%-58s %12s %12s %9s\n", "sign ECDSA_P384 (one C_Sign)", ms(ns["Sign/ECDSA_P384/airwrap"]), ms(ns["Sign/ECDSA_P384/floor"]), ratio(ns["Sign/ECDSA_P384/airwrap"], ns["Sign/ECDSA_P384/floor"])
	print ""
	printf "%-58s %12s %12s %9s\n", "batch of " keys " keys (RSA_2048, RSAES_OAEP_SHA_1)", "total", "per key", "ratio"
	w = "Batch/wrap/airwrap"; wf = "Batch/wrap/floor"
	if (w in ns) {
		printf "%-58s %12s %12s %9s\n", "airwrap wrap, end to end (self-test, checks, sign, write)", sprintf("%.1f s", ns[w] / 1e9), sprintf("%.3f ms", metric[w, "ms/key"]), ratio(metric[w, "ms/key"], metric[wf, "ms/key"])
		printf "%-58s %12s %12s\n", "  floor: create, C_WrapKey, destroy per key", sprintf("%.1f s", ns[wf] / 1e9), sprintf("%.3f ms", metric[wf, "ms/key"])
		tw = "Batch/wrap/token-wrap"
		if (tw in ns) printf "%-58s %12s %12s %9s\n", "  airwrap per-key HSM path alone (hsm.Token.Wrap)", sprintf("%.1f s", ns[tw] / 1e9), sprintf("%.3f ms", metric[tw, "ms/key"]), ratio(metric[tw, "ms/key"], metric[wf, "ms/key"])
		printf "%-58s %12s %12s\n", "  bundle size", sprintf("%.1f MiB", metric[w, "bundle-bytes/key"] * keys / 1048576), sprintf("%d B", metric[w, "bundle-bytes/key"])
	}
	if ("Batch/bundle/sign" in ns) printf "%-58s %12s\n", "sign the bundle in the HSM (DSSE, verified right after)", ms(ns["Batch/bundle/sign"])
	if ("Batch/bundle/verify" in ns) printf "%-58s %12s\n", "verify the bundle signature", ms(ns["Batch/bundle/verify"])
	s = "Batch/submit/airwrap"; c = "Batch/submit/awscli-loop"
	if (s in ns) printf "%-58s %12s %12s\n", "airwrap-online submit to local-kms, pacing off", sprintf("%.1f s", ns[s] / 1e9), sprintf("%.3f ms", metric[s, "ms/key"])
	if (c in ns) printf "%-58s %12s %12s %9s\n", "  aws kms import-key-material loop (sample of 20 keys)", sprintf("%.1f s", ns[c] / 1e9), sprintf("%.1f ms", metric[c, "ms/key"]), ratio(metric[c, "ms/key"], metric[s, "ms/key"]) " slower"
	if ("Batch/rss/wrap" in ns) printf "%-58s %12s\n", "peak RSS, airwrap wrap of the batch", sprintf("%.1f MiB", metric["Batch/rss/wrap", "peak-RSS-MiB"])
	if ("Batch/rss/submit" in ns) printf "%-58s %12s\n", "peak RSS, airwrap-online submit of the batch", sprintf("%.1f MiB", metric["Batch/rss/submit", "peak-RSS-MiB"])
}' "$OUT"
