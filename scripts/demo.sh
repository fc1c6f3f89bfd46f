#!/usr/bin/env bash
# A full rehearsal of a key import, narrated: a throwaway SoftHSM token stands
# in for the HSM and local-kms for AWS KMS. Run it through `make demo` (which
# installs what it needs and builds ./bin first). Nothing outside a temporary
# directory is touched; KEEP=1 keeps that directory for a look afterwards.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/airwrap-demo.XXXXXX")
kms_pid=""

cleanup() {
	status=$?
	if [ -n "$kms_pid" ]; then
		kill "$kms_pid" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$kms_pid" 2>/dev/null || break; sleep 0.2; done
		kill -9 "$kms_pid" 2>/dev/null || true
	fi
	if [ "${KEEP:-0}" = 1 ] || [ $status -ne 0 ]; then
		echo "demo: files kept in $work" >&2
	else
		rm -rf "$work"
	fi
	[ $status -eq 0 ] || echo "demo: FAILED (exit $status)" >&2
}
trap cleanup EXIT

n=0
step() { n=$((n + 1)); printf '\n\033[1m== %d. %s\033[0m\n' "$n" "$*"; }
say() { printf '   %s\n' "$*"; }
# shellcheck source=scripts/quote.sh
. "$root/scripts/quote.sh"
# run prints the command quoted, so that it can be pasted, then runs it.
run() { printf '$ %s\n' "$(quote "$@")"; "$@"; }

for b in airwrap airwrap-online; do
	[ -x "$bin/$b" ] || { echo "demo: $bin/$b missing: run 'make demo' (it builds first)" >&2; exit 1; }
done
export PATH="$bin:$PATH"
gobin=$(go env GOBIN); [ -n "$gobin" ] || gobin=$(go env GOPATH)/bin
local_kms=$gobin/local-kms
[ -x "$local_kms" ] || { echo "demo: local-kms missing: run 'make setup'" >&2; exit 1; }

online=$work/online    # the machine with AWS credentials
offline=$work/offline  # the air-gapped laptop
usb=$work/usb          # the removable media between them
mkdir -p "$online" "$offline" "$usb"

step "Set up a throwaway HSM (SoftHSM token) and a local KMS emulator"
# A random PIN that exists only in this process's environment: never in argv.
AIRWRAP_PIN=$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')
export AIRWRAP_PIN
eval "$("$root/softhsm-test/rehearsal-token.sh" "$work/hsm" rehearsal)"
export AIRWRAP_PKCS11_MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
export AIRWRAP_TOKEN=rehearsal
say "SoftHSM token 'rehearsal' in $work/hsm (PIN in \$AIRWRAP_PIN only)"

PORT=0 KMS_DATA_PATH="$work/kms-data" KMS_ACCOUNT_ID=111122223333 KMS_REGION=eu-west-2 \
	KMS_SEED_PATH="$work/no-seed.yaml" "$local_kms" >"$work/local-kms.log" 2>&1 &
kms_pid=$!
port=""
for _ in $(seq 1 100); do
	port=$(sed -n 's/.*Local KMS started on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/local-kms.log" | head -n1)
	[ -n "$port" ] && break
	kill -0 "$kms_pid" 2>/dev/null || { cat "$work/local-kms.log" >&2; exit 1; }
	sleep 0.1
done
[ -n "$port" ] || { echo "demo: local-kms did not start" >&2; cat "$work/local-kms.log" >&2; exit 1; }
endpoint=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=rehearsal AWS_SECRET_ACCESS_KEY=rehearsal AWS_REGION=eu-west-2
export AWS_ENDPOINT_URL_KMS=$endpoint AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
say "local-kms on $endpoint (account 111122223333, eu-west-2)"

step "Offline first: what this HSM can really do (known-answer tests on throwaway objects)"
cd "$offline"
run airwrap hsm info
run airwrap signer generate --label ceremony-signer
run airwrap signer export --label ceremony-signer --out ceremony-signer.pem
run airwrap inspect ceremony-signer.pem
say "ceremony-signer.pem is pinned on the online side (carried separately, checked by this fingerprint)"
run airwrap hsm info --out capabilities.json --signer ceremony-signer
cp capabilities.json ceremony-signer.pem "$usb/"

step "Online: create a KMS key with Origin=EXTERNAL and fetch its import parameters"
say "local-kms unwraps only SYMMETRIC_DEFAULT keys under RSA_2048 wrapping keys; the token's signed"
say "capabilities choose the algorithm SoftHSM really produces (RSAES_OAEP_SHA_1, not SHA-256)."
cd "$online"
run airwrap-online prepare --create --key-spec SYMMETRIC_DEFAULT --description "airwrap rehearsal" \
	--wrapping-key-spec RSA_2048 --token-capabilities "$usb/capabilities.json" \
	--capabilities-trust "$usb/ceremony-signer.pem" --out "$usb/params.json"
key_arn=$(sed -n 's/.*"key_arn": *"\([^"]*\)".*/\1/p' "$usb/params.json" | head -n1)
[ -n "$key_arn" ] || { echo "demo: no key ARN in params.json" >&2; exit 1; }
say "KMS key: $key_arn"

step "Carry params.json across the air gap; the offline laptop reads it aloud"
cd "$offline"
cp "$usb/params.json" "$offline/params.json"
run airwrap inspect params.json

step "Offline: the ceremony plan, reviewed and checked before anyone types the PIN"
valid_to=$(date -u -d '+30 days' +%Y-%m-%d) # a date alone: midnight UTC at its start
cat >plan.yaml <<PLAN
# The rehearsal's ceremony plan (docs/CEREMONY-PLAN.md has the full schema).
version: 1
parameters: params.json
capabilities:
  path: capabilities.json
  trust: [ceremony-signer.pem]
trust: ceremony-signer.pem
signer: ceremony-signer
operators:
  - name: A. Officer
    role: officer
  - name: B. Witness
    role: witness
valid_to: $valid_to
out: import.json
record: record.pdf
keys:
  - arn: $key_arn
    label: payments-rehearsal
    generate: SYMMETRIC_DEFAULT
PLAN
run cat plan.yaml
run airwrap ceremony check plan.yaml

step "Offline: run the plan: one login; generate in the HSM, wrap, sign, verify, record"
run airwrap ceremony run plan.yaml
run airwrap key list
run airwrap verify import.json --trust ceremony-signer.pem --params params.json

step "Offline: the record the officers and the witness sign (record.pdf, and record.md)"
if command -v pdftotext >/dev/null; then
	run pdftotext -layout record.pdf - | sed -n '1,40p'
else
	run sed -n '1,40p' record.md
fi
say "print record.pdf, read its fingerprints aloud against the screen, and sign it"
cp import.json import.json.transcript.jsonl "$usb/"

step "Carry import.json back; online: verify everything, then import"
cd "$online"
cp "$usb/import.json" "$usb/import.json.transcript.jsonl" "$usb/ceremony-signer.pem" "$online/"
run airwrap-online transcript verify import.json.transcript.jsonl --bundle import.json
run airwrap-online inspect ceremony-signer.pem
say "the fingerprint read aloud from the offline side must be the same"
run airwrap-online submit import.json --trust ceremony-signer.pem --params "$usb/params.json" --receipt receipt.json

step "Online: submitting the same bundle again is safe"
run airwrap-online submit import.json --trust ceremony-signer.pem --params "$usb/params.json"

step "Online: status and proof of what was imported"
run airwrap-online status import.json
run airwrap-online verify-import import.json --trust ceremony-signer.pem --receipt receipt.json

step "Online: the imported key in use"
if [ -x /usr/bin/aws ]; then
	printf 'rehearsal secret' >"$online/plain.txt"
	cd "$online"
	enc=(/usr/bin/aws --endpoint-url "$endpoint" kms encrypt --key-id "$key_arn" --plaintext fileb://plain.txt --query CiphertextBlob --output text)
	printf '$ %s | base64 -d > ct.bin\n' "$(quote "${enc[@]}")"
	"${enc[@]}" | base64 -d >ct.bin
	dec=(/usr/bin/aws --endpoint-url "$endpoint" kms decrypt --ciphertext-blob fileb://ct.bin --query Plaintext --output text)
	printf '$ %s | base64 -d\n' "$(quote "${dec[@]}")"
	out=$("${dec[@]}" | base64 -d)
	[ "$out" = "rehearsal secret" ] || { echo "demo: decrypt gave '$out'" >&2; exit 1; }
	say "aws kms encrypt then decrypt with the imported key gave back: $out"
else
	say "(/usr/bin/aws not installed: verify-import's encrypt/decrypt round trip above is the proof)"
fi

step "The printed record closes the ceremony: fingerprints read aloud, then everyone signs"
cd "$offline"
if command -v pdftotext >/dev/null; then
	run pdftotext -layout record.pdf - | sed -n '/Fingerprints to read aloud/,$p'
else
	run sed -n '/^## Fingerprints to read aloud/,$p' record.md
fi
say "print record.pdf (A4; record.md is its Markdown twin) and sign it"

step "Done: the key material went from the HSM to KMS without ever being in the clear"
