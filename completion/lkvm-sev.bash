# SPDX-License-Identifier: GPL-2.0-only
#
# Bash completion for lkvm-sev(1): subcommands, each one's options (as
# doc/lkvm-sev.1 lists them; tests/integration/completion.sh checks them
# against --help), file names after FILE options and for verify's REPORT,
# and the values of --ro-mode, --console, --direct-vmsa and --cpu (the
# models of sev/cpu.c).

_lkvm_sev_run_opts="--firmware --vars -k --kernel -i --initrd -p --params --pit --apic-bus-ns
	--dump-dtb --pci-testdev --rng --io-poll --vsock -d --disk -n --network
	-m --mem -c --cpus --ro-mode --debugcon --timeout --until --until-re --fail-on
	--serial-log --console --report --trace -q --quiet -v --verbose -h --help
	--sev --sev-es --sev-snp --bios --policy --cpu --cpu-sig --debug-swap --vmsa-features
	--legacy-vm-type --direct-vmsa --direct-vmsa-gpa --dh-cert --session --secret-header
	--secret --id-block --id-auth --host-data --snp-certs"
_lkvm_sev_measure_opts="--sev --sev-es --sev-snp --firmware -c --cpus --cpu --cpu-sig
	--debug-swap --vmsa-features --legacy-vm-type --direct-vmsa --direct-vmsa-gpa
	-k --kernel -i --initrd -p --params --firmware-digest-only --json -q --quiet -v --verbose
	-h --help --id-key --author-key --family-id --image-id --guest-svn --policy
	--id-block-out --id-auth-out"
_lkvm_sev_verify_opts="--vcek --chain --expect-digest --host-data --policy --json
	--sev-snp --firmware -c --cpus --cpu --cpu-sig --debug-swap --vmsa-features
	--direct-vmsa --direct-vmsa-gpa -k --kernel -i --initrd -p --params
	-q --quiet -v --verbose -h --help"
_lkvm_sev_cpu_models="host EPYC EPYC-v1 EPYC-v2 EPYC-v3 EPYC-v4 EPYC-IBPB
	EPYC-Rome EPYC-Rome-v1 EPYC-Rome-v2 EPYC-Rome-v3 EPYC-Rome-v4
	EPYC-Milan EPYC-Milan-v1 EPYC-Milan-v2 EPYC-Genoa EPYC-Genoa-v1 EPYC-Turin"

_lkvm_sev_files()
{
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

_lkvm_sev()
{
	local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" opts="" i
	COMPREPLY=()
	[ "$COMP_CWORD" -gt 0 ] && prev="${COMP_WORDS[COMP_CWORD - 1]}"
	# --opt=VALUE: bash splits at '=' (COMP_WORDBREAKS), so the option is
	# a word or two back and the value is what follows the '='.
	if [ "$cur" = "=" ]; then
		cur=""
	elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
		prev="${COMP_WORDS[COMP_CWORD - 2]}"
	fi
	for ((i = 1; i < COMP_CWORD; i++)); do
		case "${COMP_WORDS[i]}" in
		-*) ;;
		*) cmd="${COMP_WORDS[i]}"; break ;;
		esac
	done

	if [ -z "$cmd" ]; then
		case "$cur" in
		-*) opts="--help -h --version" ;;
		*) opts="run measure inspect caps verify help" ;;
		esac
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return 0
	fi

	case "$cmd" in
	run|measure)
		case "$prev" in
		--firmware|--vars|-d|--disk|-k|--kernel|-i|--initrd|--dump-dtb|--debugcon|--serial-log|\
		--report|--trace|--bios|--dh-cert|--session|--secret-header|--secret|\
		--id-block|--id-auth|--host-data|--snp-certs|--id-key|--author-key|--id-block-out|\
		--id-auth-out)
			_lkvm_sev_files "$cur"
			return 0 ;;
		--ro-mode)
			mapfile -t COMPREPLY < <(compgen -W "auto memslot mprotect" -- "$cur")
			return 0 ;;
		--console)
			mapfile -t COMPREPLY < <(compgen -W "none serial virtio" -- "$cur")
			return 0 ;;
		-n|--network)
			compopt -o nospace 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -W "mode=tap,tapif= mode=user
				mode=user,socket=" -- "$cur")
			return 0 ;;
		--direct-vmsa)
			if [ "$cmd" = run ]; then
				opts="auto on off"
			else
				opts="on off"
			fi
			mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
			return 0 ;;
		--cpu)
			mapfile -t COMPREPLY < <(compgen -W "$_lkvm_sev_cpu_models" -- "$cur")
			return 0 ;;
		-p|--params|-m|--mem|-c|--cpus|--timeout|--until|--until-re|--fail-on|\
		--policy|--cpu-sig|--vmsa-features|--direct-vmsa-gpa|--io-poll|--family-id|\
		--image-id|--guest-svn)
			return 0 ;;	# free-form values: nothing to offer
		esac
		if [ "$cmd" = run ]; then
			opts="$_lkvm_sev_run_opts"
		else
			opts="$_lkvm_sev_measure_opts"
		fi
		case "$cur" in
		-*) mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur") ;;
		esac
		;;
	inspect)
		case "$cur" in
		-*) mapfile -t COMPREPLY < <(compgen -W "--json -q --quiet -v --verbose -h --help" -- "$cur") ;;
		*) _lkvm_sev_files "$cur" ;;
		esac
		;;
	caps)
		mapfile -t COMPREPLY < <(compgen -W "--json -q --quiet -v --verbose -h --help" -- "$cur")
		;;
	verify)
		case "$prev" in
		--vcek|--chain|--firmware|-k|--kernel|-i|--initrd)
			_lkvm_sev_files "$cur"
			return 0 ;;
		--direct-vmsa)
			mapfile -t COMPREPLY < <(compgen -W "on off" -- "$cur")
			return 0 ;;
		--cpu)
			mapfile -t COMPREPLY < <(compgen -W "$_lkvm_sev_cpu_models" -- "$cur")
			return 0 ;;
		--expect-digest|--host-data|--policy|-c|--cpus|--cpu-sig|--vmsa-features|\
		--direct-vmsa-gpa|-p|--params)
			return 0 ;;
		esac
		case "$cur" in
		-*) mapfile -t COMPREPLY < <(compgen -W "$_lkvm_sev_verify_opts" -- "$cur") ;;
		*) _lkvm_sev_files "$cur" ;;	# the REPORT
		esac
		;;
	help)
		[ "$prev" = help ] &&
			mapfile -t COMPREPLY < <(compgen -W "run measure inspect caps verify" -- "$cur")
		;;
	esac
	return 0
}

complete -F _lkvm_sev lkvm-sev
