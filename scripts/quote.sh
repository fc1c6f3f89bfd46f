# shellcheck shell=bash
# quote ARG...: the arguments as one line a POSIX shell reads back as the same
# arguments: plain words as they are, anything else in single quotes (a single
# quote inside becomes '\''). scripts/demo.sh prints its commands this way so
# they can be pasted; scripts/quote_test.go checks it against bash itself.
quote() {
	local out="" a
	for a in "$@"; do
		if [[ -n $a && $a =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
			out+=" $a"
		else
			out+=" '${a//\'/\'\\\'\'}'"
		fi
	done
	printf '%s' "${out# }"
}
