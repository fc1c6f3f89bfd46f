#!/usr/bin/env bash
# A rehearsal of a key's life after its first import, narrated (`make
# demo-lifecycle`): the yearly reimport, an accidental deletion and its
# recovery, against local-kms (a real KMS emulator); then a rotation to new
# material and a multi-Region key, against the KMS model in the test kit,
# because local-kms has no RotateKeyOnDemand, ListKeyRotations or ReplicateKey
# (kmsimport/EVIDENCE.md says what only the model proves). A throwaway SoftHSM
# token stands in for the HSM. KEEP=1 keeps the temporary directory.
set -euo pipefail

demo_name=demo-lifecycle
# shellcheck source=scripts/demo-lib.sh
. "$(dirname "$0")/demo-lib.sh"

step "Set up a throwaway HSM (SoftHSM token) and local-kms"
setup_token
start_local_kms
cd "$offline"
run airwrap signer generate --label ceremony-signer
run airwrap signer export --label ceremony-signer --out ceremony-signer.pem
run airwrap key generate --label payments --key-spec SYMMETRIC_DEFAULT
cp ceremony-signer.pem "$usb/"
trust=(--trust "$usb/ceremony-signer.pem")
valid_to=$(date -u -d '+30 days' +%Y-%m-%d)

# ceremony PARAMS OUT WRAP-FLAGS...: carry the parameters over, wrap on the
# offline laptop, carry the import bundle back.
ceremony() {
	local params=$1 out=$2
	shift 2
	cd "$offline"
	cp "$usb/$params" .
	run airwrap wrap --params "$params" --signer ceremony-signer --out "$out" "$@"
	cp "$out" "$out.transcript.jsonl" "$usb/"
	cd "$online"
}

step "The first import (local-kms), as make demo does it, with material valid for 30 days"
cd "$online"
# local-kms unwraps only RSA_2048 wrapping keys; SoftHSM makes RSAES_OAEP_SHA_1, not SHA-256.
gpfi=(--wrapping-algorithm RSAES_OAEP_SHA_1 --wrapping-key-spec RSA_2048)
run airwrap-online prepare --create --key-spec SYMMETRIC_DEFAULT --description "payments (lifecycle rehearsal)" "${gpfi[@]}" --out "$usb/params-1.json"
key_arn=$(key_arns "$usb/params-1.json" | head -n1)
ceremony params-1.json import-1.json --key payments --valid-to "$valid_to"
run airwrap-online submit "$usb/import-1.json" "${trust[@]}" --params "$usb/params-1.json" --receipt receipt-1.json
printf 'written before any reimport' >plain.txt
aws_kms() { /usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL_KMS" kms "$@"; }
printf '$ %s\n' "aws kms encrypt --key-id $key_arn --plaintext fileb://plain.txt ... > old.bin"
aws_kms encrypt --key-id "$key_arn" --plaintext fileb://plain.txt --query CiphertextBlob --output text | base64 -d >old.bin

step "Monitoring: a cron job's check; material expiring within 60 days fails it (exit 1)"
run_fails 1 airwrap-online status --key-id "$key_arn" --fail-within 60
say "docs/RUNBOOK.md: the yearly reimport starts when this check fails"

step "The yearly reimport: the same HSM key, EXISTING_KEY_MATERIAL, new parameters, a new ValidTo"
run airwrap-online prepare --key-id "$key_arn" "${gpfi[@]}" --out "$usb/params-2.json"
ceremony params-2.json import-2.json --key payments --valid-to "$(date -u -d '+300 days' +%Y-%m-%d)" \
	--import-type EXISTING_KEY_MATERIAL --key-material-description "yearly reimport"
run airwrap-online submit "$usb/import-2.json" "${trust[@]}" --params "$usb/params-2.json" --receipt receipt-2.json
run airwrap-online status --key-id "$key_arn"

step "An accident: the material is deleted; the key can no longer decrypt"
run airwrap-online delete-material --key-id "$key_arn" --yes --receipt deleted.json
run_fails 1 airwrap-online status --key-id "$key_arn" --fail-within 30

step "Recovery: reimport the same HSM key; what was encrypted before decrypts again"
run airwrap-online prepare --key-id "$key_arn" "${gpfi[@]}" --out "$usb/params-3.json"
ceremony params-3.json import-3.json --key payments --no-expiry --import-type EXISTING_KEY_MATERIAL
run airwrap-online submit "$usb/import-3.json" "${trust[@]}" --params "$usb/params-3.json" --receipt receipt-3.json
printf '$ %s\n' "aws kms decrypt --ciphertext-blob fileb://old.bin ..."
out=$(aws_kms decrypt --ciphertext-blob fileb://old.bin --query Plaintext --output text | base64 -d)
[ "$out" = "written before any reimport" ] || { echo "$demo_name: decrypt gave '$out'" >&2; exit 1; }
say "decrypted: $out"

step "Rotation and multi-Region: the KMS model (local-kms has neither)"
(cd "$root" && go build -o "$work/kmsmodel" ./internal/testkit/kmstest/cmd/kmsmodel)
"$work/kmsmodel" -fresh-wrapping-keys >"$work/kmsmodel.url" 2>"$work/kmsmodel.log" &
demo_pids+=("$!")
for _ in $(seq 1 100); do [ -s "$work/kmsmodel.url" ] && break; sleep 0.1; done
export AWS_ENDPOINT_URL_KMS=$(head -n1 "$work/kmsmodel.url")
say "KMS model on $AWS_ENDPOINT_URL_KMS: every Region at one URL, following KMS's documented state machine"
cd "$offline"
run airwrap key generate --label orders --key-spec SYMMETRIC_DEFAULT
cd "$online"
run airwrap-online prepare --create --multi-region --replica-region us-east-1 --key-spec SYMMETRIC_DEFAULT \
	--description "orders (multi-Region rehearsal)" "${gpfi[@]}" --out "$usb/params-4.json"
primary=$(key_arns "$usb/params-4.json" | sed -n 1p)
replica=$(key_arns "$usb/params-4.json" | sed -n 2p)
say "primary $primary"
say "replica $replica (the same key id, its own Region, its own wrapping key)"
ceremony params-4.json import-4.json --key "$primary=orders" --key "$replica=orders" --no-expiry
run airwrap-online submit "$usb/import-4.json" "${trust[@]}" --params "$usb/params-4.json" --receipt receipt-4.json

step "Rotation to new material: NEW into the primary, the same into the replica, then RotateKeyOnDemand"
cd "$offline"
run airwrap key generate --label orders-2027 --key-spec SYMMETRIC_DEFAULT
cd "$online"
run airwrap-online prepare --key-id "$primary" --key-id "$replica" "${gpfi[@]}" --out "$usb/params-5.json"
ceremony params-5.json import-5.json --key "$primary=orders-2027" --key "$replica=orders-2027" --no-expiry \
	--import-type "$primary=NEW_KEY_MATERIAL" --key-material-description "$primary=orders 2027"
run airwrap-online submit "$usb/import-5.json" "${trust[@]}" --params "$usb/params-5.json" --receipt receipt-5.json --rotate
run airwrap-online status --key-id "$primary"

step "Done: reimported, recovered, rotated and replicated, each through a signed bundle"
