# shellcheck shell=bash
# What both rehearsals (scripts/demo.sh, scripts/demo-lifecycle.sh) share:
# a temporary directory removed on success, narration, quoted commands, a
# throwaway SoftHSM token and a local-kms emulator. Sourced, never run.
# Sets: root bin work online offline usb endpoint; exports AIRWRAP_* and AWS_*.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/bin
demo_name=${demo_name:-demo}
work=$(mktemp -d "${TMPDIR:-/tmp}/airwrap-$demo_name.XXXXXX")
demo_pids=()

stop_pid() {
	kill "$1" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
	kill -9 "$1" 2>/dev/null || true
}

cleanup() {
	status=$?
	for pid in "${demo_pids[@]}"; do stop_pid "$pid"; done
	if [ "${KEEP:-0}" = 1 ] || [ $status -ne 0 ]; then
		echo "$demo_name: files kept in $work" >&2
	else
		rm -rf "$work"
	fi
	[ $status -eq 0 ] || echo "$demo_name: FAILED (exit $status)" >&2
}
trap cleanup EXIT

n=0
step() { n=$((n + 1)); printf '\n\033[1m== %d. %s\033[0m\n' "$n" "$*"; }
say() { printf '   %s\n' "$*"; }
# shellcheck source=scripts/quote.sh
. "$root/scripts/quote.sh"
# run prints the command quoted, so that it can be pasted, then runs it.
run() { printf '$ %s\n' "$(quote "$@")"; "$@"; }
# run_fails is run for a command that must exit with status $1.
run_fails() {
	want=$1
	shift
	printf '$ %s\n' "$(quote "$@")"
	got=0
	"$@" || got=$?
	[ "$got" = "$want" ] || { echo "$demo_name: wanted exit $want, got $got" >&2; exit 1; }
	say "(exit $got, as expected)"
}

for b in airwrap airwrap-online; do
	[ -x "$bin/$b" ] || { echo "$demo_name: $bin/$b missing: run 'make $demo_name' (it builds first)" >&2; exit 1; }
done
export PATH="$bin:$PATH"
gobin=$(go env GOBIN); [ -n "$gobin" ] || gobin=$(go env GOPATH)/bin
local_kms=$gobin/local-kms
[ -x "$local_kms" ] || { echo "$demo_name: local-kms missing: run 'make setup'" >&2; exit 1; }

online=$work/online    # the machine with AWS credentials
offline=$work/offline  # the air-gapped laptop
usb=$work/usb          # the removable media between them
mkdir -p "$online" "$offline" "$usb"

# setup_token: a throwaway SoftHSM token 'rehearsal' with a random PIN that
# exists only in this process's environment: never in argv.
setup_token() {
	AIRWRAP_PIN=$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')
	export AIRWRAP_PIN
	eval "$("$root/softhsm-test/rehearsal-token.sh" "$work/hsm" rehearsal)"
	export AIRWRAP_PKCS11_MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
	export AIRWRAP_TOKEN=rehearsal
	say "SoftHSM token 'rehearsal' in $work/hsm (PIN in \$AIRWRAP_PIN only)"
}

# start_local_kms: local-kms on a free port; sets endpoint and points the AWS SDK at it.
start_local_kms() {
	PORT=0 KMS_DATA_PATH="$work/kms-data" KMS_ACCOUNT_ID=111122223333 KMS_REGION=eu-west-2 \
		KMS_SEED_PATH="$work/no-seed.yaml" "$local_kms" >"$work/local-kms.log" 2>&1 &
	local pid=$!
	demo_pids+=("$pid")
	port=""
	for _ in $(seq 1 100); do
		port=$(sed -n 's/.*Local KMS started on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/local-kms.log" | head -n1)
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$work/local-kms.log" >&2; exit 1; }
		sleep 0.1
	done
	[ -n "$port" ] || { echo "$demo_name: local-kms did not start" >&2; cat "$work/local-kms.log" >&2; exit 1; }
	endpoint=http://127.0.0.1:$port
	export AWS_ACCESS_KEY_ID=rehearsal AWS_SECRET_ACCESS_KEY=rehearsal AWS_REGION=eu-west-2
	export AWS_ENDPOINT_URL_KMS=$endpoint AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
	say "local-kms on $endpoint (account 111122223333, eu-west-2)"
}

# key_arns FILE: the key ARNs of a parameters bundle, one per line.
key_arns() { sed -n 's/.*"key_arn": *"\([^"]*\)".*/\1/p' "$1"; }
