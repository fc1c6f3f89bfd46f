#!/bin/sh
# rehearsal-token.sh DIR LABEL
# Creates a throwaway SoftHSM token labelled LABEL in DIR (for `make demo` and
# rehearsals) and prints the line that points SoftHSM at it:
#   export SOFTHSM2_CONF=DIR/softhsm2.conf
# The user PIN comes from the environment variable AIRWRAP_PIN, never from an
# argument; the SO PIN is random and discarded. PINs reach pkcs11-tool as
# env:NAME references, so no PIN appears in any process's argv.
# Needs softhsm2 and opensc (pkcs11-tool).
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 DIR LABEL   (user PIN in AIRWRAP_PIN)" >&2
	exit 2
fi
dir=$1
label=$2
if [ -z "${AIRWRAP_PIN:-}" ]; then
	echo "rehearsal-token: error: AIRWRAP_PIN is not set" >&2
	echo "rehearsal-token: hint: export AIRWRAP_PIN=<user PIN, 4 to 255 characters> first" >&2
	exit 2
fi

module=${SOFTHSM2_MODULE:-}
if [ -z "$module" ]; then
	for p in /usr/lib/softhsm/libsofthsm2.so \
		/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
		/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so \
		/usr/local/lib/softhsm/libsofthsm2.so \
		/usr/lib64/pkcs11/libsofthsm2.so; do
		if [ -f "$p" ]; then module=$p; break; fi
	done
fi
if [ -z "$module" ] || [ ! -f "$module" ]; then
	echo "rehearsal-token: error: libsofthsm2.so not found" >&2
	echo "rehearsal-token: hint: apt-get install softhsm2, or set SOFTHSM2_MODULE" >&2
	exit 1
fi
if ! command -v pkcs11-tool >/dev/null 2>&1; then
	echo "rehearsal-token: error: pkcs11-tool not found" >&2
	echo "rehearsal-token: hint: apt-get install opensc" >&2
	exit 1
fi

mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
if [ -n "$(ls -A "$dir/tokens")" ]; then
	echo "rehearsal-token: error: $dir/tokens already holds a token" >&2
	echo "rehearsal-token: hint: use an empty directory (rehearsal tokens are throwaway)" >&2
	exit 1
fi
chmod 700 "$dir" "$dir/tokens"
conf=$dir/softhsm2.conf
cat >"$conf" <<CONF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF="$conf"

AIRWRAP_SO_PIN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export AIRWRAP_SO_PIN
pkcs11-tool --module "$module" --init-token --label "$label" --so-pin env:AIRWRAP_SO_PIN >/dev/null 2>&1 || {
	echo "rehearsal-token: error: token initialisation failed" >&2
	exit 1
}
pkcs11-tool --module "$module" --token-label "$label" --login --login-type so \
	--so-pin env:AIRWRAP_SO_PIN --init-pin --new-pin env:AIRWRAP_PIN >/dev/null 2>&1 || {
	echo "rehearsal-token: error: setting the user PIN failed" >&2
	echo "rehearsal-token: hint: AIRWRAP_PIN must be 4 to 255 characters" >&2
	exit 1
}
unset AIRWRAP_SO_PIN
case $conf in
*[!A-Za-z0-9_./-]*) printf "export SOFTHSM2_CONF='%s'\n" "$conf" ;;
*) echo "export SOFTHSM2_CONF=$conf" ;;
esac
