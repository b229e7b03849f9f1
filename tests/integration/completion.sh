#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Checks completion/lkvm-sev.bash (run from the source root by test_docs.c,
# with $LKVM the binary): what COMPREPLY holds for a few command lines, that
# each subcommand completes every option its --help lists, and that --cpu
# offers every model of sev/cpu.c. Prints each mismatch; exits 1 on any.
set -u
LKVM=${LKVM:-build/lkvm-sev}
. completion/lkvm-sev.bash
fails=0

# complete WORD...: COMPREPLY for the command line WORD... (the last is the
# word under the cursor), sorted, one per line, in $got.
complete_line() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	_lkvm_sev
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
}

# expect "WANT" WORD...: COMPREPLY is exactly WANT (space-separated, sorted).
expect() {
	local want
	want=$(printf '%s\n' $1 | sort)
	shift
	complete_line "$@"
	if [ "$got" != "$want" ]; then
		echo "FAIL '$*': got [$(echo $got)], want [$(echo $want)]"
		fails=1
	fi
}

# contains "WORD..." LINE...: COMPREPLY for LINE includes each WORD.
contains() {
	local w words=$1
	shift
	complete_line "$@"
	for w in $words; do
		if ! printf '%s\n' "$got" | grep -qxF -- "$w"; then
			echo "FAIL '$*': no '$w' in [$(echo $got)]"
			fails=1
		fi
	done
}

expect "caps" lkvm-sev ca
expect "measure" lkvm-sev m
expect "caps help inspect measure run verify" lkvm-sev ""
expect "--version" lkvm-sev --v
expect "auto memslot mprotect" lkvm-sev run --ro-mode ""
expect "memslot mprotect" lkvm-sev run --ro-mode m
expect "none serial virtio" lkvm-sev run --console ""
expect "auto off on" lkvm-sev run --direct-vmsa ""
# --opt=VALUE, as bash splits it at '=': the value's word after the '='.
expect "auto memslot mprotect" lkvm-sev run --ro-mode = ""
expect "memslot mprotect" lkvm-sev run --ro-mode = m
expect "none serial virtio" lkvm-sev run --console =
expect "" lkvm-sev run --io-poll = ""
expect "off on" lkvm-sev measure --sev-snp --direct-vmsa ""
expect "off on" lkvm-sev verify --direct-vmsa ""
expect "--id-auth-out --id-block-out --id-key" lkvm-sev measure --id-
expect "--json" lkvm-sev caps --j
expect "--family-id --firmware --firmware-digest-only" lkvm-sev measure --f
expect "--fail-on --firmware" lkvm-sev run -m 1G --f
expect "--sev --sev-es --sev-snp" lkvm-sev measure --sev
expect "EPYC-Milan EPYC-Milan-v1 EPYC-Milan-v2" lkvm-sev run --cpu EPYC-Mi
expect "" lkvm-sev run --timeout ""
expect "inspect" lkvm-sev help i

# File options complete file names (here, from a scratch directory).
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/OVMF_CODE.fd" "$dir/OVMF_VARS.fd" "$dir/bzImage"
expect "$dir/OVMF_CODE.fd $dir/OVMF_VARS.fd" lkvm-sev run --firmware "$dir/OVMF"
expect "$dir/bzImage" lkvm-sev run --sev-snp -k "$dir/bz"
expect "$dir/OVMF_VARS.fd" lkvm-sev run --vars "$dir/OVMF_V"
expect "$dir/bzImage" lkvm-sev run --report "$dir/b"
expect "$dir/bzImage" lkvm-sev inspect "$dir/b"
expect "$dir/bzImage" lkvm-sev verify "$dir/b"
expect "$dir/bzImage" lkvm-sev verify report.bin --vcek "$dir/b"
expect "$dir/bzImage" lkvm-sev measure --id-key "$dir/b"

# Every option each --help lists (the tokens starting with '-' on its
# option lines) completes after "lkvm-sev CMD -".
for cmd in run measure inspect caps verify; do
	opts=$("$LKVM" "$cmd" --help | grep '^  -' | tr ' \t' '\n\n' | grep '^-' |
		sed 's/[^A-Za-z0-9_-]*$//' | grep -E '^-.+' | sort -u)
	[ -n "$opts" ] || { echo "FAIL no options in '$cmd --help'"; fails=1; }
	contains "$opts" lkvm-sev "$cmd" -
done

# --cpu offers every model sev/cpu.c knows.
models=$(sed -n 's/^[[:space:]]*{ "\(EPYC[^"]*\)".*/\1/p' sev/cpu.c)
[ -n "$models" ] || { echo "FAIL no models found in sev/cpu.c"; fails=1; }
contains "$models" lkvm-sev run --cpu ""

exit $fails
