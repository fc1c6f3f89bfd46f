#!/usr/bin/env bash
# Installs what airwrap's tests and rehearsal need on a fresh Debian bookworm
# machine: SoftHSM 2 (the stand-in HSM), opencryptoki (its soft token swtok
# and the pkcsslotd daemon) and NSS softokn with certutil (two more PKCS#11
# implementations the tests prove airwrap on), OpenSC (pkcs11-tool), OpenSSL
# (the independent unwrap checks), AWS CLI v2 (the --awscli-dir check) and
# the pinned local-kms emulator, and poppler-utils (pdftotext and pdftoppm:
# the tests read `airwrap record`'s PDF back with a reader that is not
# airwrap's). Idempotent: it installs only what is missing.
set -euo pipefail

LOCAL_KMS="github.com/nsmithuk/local-kms@v0.0.0-20260228092603-2a5e92d09ab6"

say() { printf 'setup: %s\n' "$*" >&2; }

missing=()
[ -e /usr/lib/softhsm/libsofthsm2.so ] && command -v softhsm2-util >/dev/null || missing+=(softhsm2)
command -v pkcs11-tool >/dev/null || missing+=(opensc)
[ -x /usr/sbin/pkcsslotd ] && compgen -G '/usr/lib/*/opencryptoki/libopencryptoki.so*' >/dev/null || missing+=(opencryptoki)
compgen -G '/usr/lib/*/libsoftokn3.so' >/dev/null || missing+=(libnss3)
command -v certutil >/dev/null || missing+=(libnss3-tools)
command -v openssl >/dev/null || missing+=(openssl)
[ -x /usr/bin/aws ] || missing+=(awscli)
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
[ -x /usr/bin/time ] || missing+=(time)  # GNU time: peak RSS in make bench

if [ ${#missing[@]} -gt 0 ]; then
	say "installing Debian packages: ${missing[*]}"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# pkcsslotd needs its lock directories, which systemd-tmpfiles makes at boot;
# on a machine without systemd (a container) they vanish with /run.
if [ ! -d /var/lock/opencryptoki/swtok ]; then
	say "creating opencryptoki's lock directories"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO install -d -m 0770 -g pkcs11 /var/lock/opencryptoki /var/lock/opencryptoki/swtok
fi

gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
if [ ! -x "$gobin/local-kms" ] || ! go version -m "$gobin/local-kms" 2>/dev/null | grep -q "${LOCAL_KMS#*@}"; then
	say "building the pinned local-kms (about 30 s the first time)"
	go install "$LOCAL_KMS"
fi
say "ready: softhsm2, opencryptoki, NSS softokn + certutil, opensc, openssl, poppler-utils, aws ($(/usr/bin/aws --version 2>&1 | cut -d' ' -f1)), local-kms at $gobin/local-kms"
