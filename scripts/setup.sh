#!/usr/bin/env bash
# Installs what airwrap's tests and rehearsal need on a fresh Debian bookworm
# machine: SoftHSM 2 (the stand-in HSM), OpenSC (pkcs11-tool), OpenSSL (the
# independent unwrap checks), AWS CLI v2 (the --awscli-dir check) and the
# pinned local-kms emulator. Idempotent: it installs only what is missing.
set -euo pipefail

LOCAL_KMS="github.com/nsmithuk/local-kms@v0.0.0-20260228092603-2a5e92d09ab6"

say() { printf 'setup: %s\n' "$*" >&2; }

missing=()
[ -e /usr/lib/softhsm/libsofthsm2.so ] && command -v softhsm2-util >/dev/null || missing+=(softhsm2)
command -v pkcs11-tool >/dev/null || missing+=(opensc)
command -v openssl >/dev/null || missing+=(openssl)
[ -x /usr/bin/aws ] || missing+=(awscli)

if [ ${#missing[@]} -gt 0 ]; then
	say "installing Debian packages: ${missing[*]}"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
if [ ! -x "$gobin/local-kms" ] || ! go version -m "$gobin/local-kms" 2>/dev/null | grep -q "${LOCAL_KMS#*@}"; then
	say "building the pinned local-kms (about 30 s the first time)"
	go install "$LOCAL_KMS"
fi
say "ready: softhsm2, opensc, openssl, aws ($(/usr/bin/aws --version 2>&1 | cut -d' ' -f1)), local-kms at $gobin/local-kms"
