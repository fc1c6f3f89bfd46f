#!/usr/bin/env bash
# A full rehearsal of a key import, narrated: a throwaway SoftHSM token stands
# in for the HSM and local-kms for AWS KMS. Run it through `make demo` (which
# installs what it needs and builds ./bin first). Nothing outside a temporary
# directory is touched; KEEP=1 keeps that directory for a look afterwards.
set -euo pipefail

demo_name=demo
# shellcheck source=scripts/demo-lib.sh
. "$(dirname "$0")/demo-lib.sh"

step "Set up a throwaway HSM (SoftHSM token) and a local KMS emulator"
setup_token
start_local_kms

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
key_arn=$(key_arns "$usb/params.json" | head -n1)
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
