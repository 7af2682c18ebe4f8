# SPDX-License-Identifier: MIT
# bash completion for pirscan. Installed to
# $datadir/bash-completion/completions/pirscan, where bash-completion loads it.

_pirscan_scan_opts="--ref --all-refs --no-history --as-of --marker --item-file --max-size
	--threads --cache --no-cache --color --config --no-config --from-json -q --quiet --severity
	--owner --team --incident --repo --repos-from --no-fetch --shard -h --help"

_pirscan()
{
	local cur prev cmd w i
	local commands="scan check report incidents help version"
	local severities="critical high medium low"

	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	# "--format=js": bash splits at "=", so the option is two words back
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi

	# the command: the first word after pirscan, when it is one
	cmd=scan
	w=${COMP_WORDS[1]}
	if [[ $COMP_CWORD -gt 1 ]]; then
		for i in $commands; do
			[[ $w == "$i" ]] && cmd=$w
		done
	fi

	COMPREPLY=()
	case $prev in
	--format)
		case $cmd in
		check) COMPREPLY=($(compgen -W "table json sarif junit github gitlab" -- "$cur")) ;;
		report) COMPREPLY=($(compgen -W "text md html email slack teams webhook" -- "$cur")) ;;
		incidents) COMPREPLY=($(compgen -W "table json csv md" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "table json csv" -- "$cur")) ;;
		esac
		return 0
		;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return 0
		;;
	--severity | --fail-on)
		COMPREPLY=($(compgen -W "$severities" -- "$cur"))
		return 0
		;;
	--fail-on-reason)
		COMPREPLY=($(compgen -W "overdue too-old no-owner no-due unknown-id duplicate-id
			done-but-marker-remains invalid slipping" -- "$cur"))
		return 0
		;;
	--group-by)
		COMPREPLY=($(compgen -W "team owner incident severity" -- "$cur"))
		return 0
		;;
	--ref | --changed-since)
		COMPREPLY=($(compgen -W "HEAD $(git for-each-ref --format='%(refname:short)' 2>/dev/null)" -- "$cur"))
		return 0
		;;
	--config | --item-file | --smtp-ca-file | --ca-file | --repos-from)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	--output | --repo | --cache)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
		;;
	--as-of | --since | --marker | --max-size | --threads | --grace | --warn-within | \
		--max-slips | --owner | --team | --incident | --group | --from | --smtp-url | --smtp-user | \
		--shard)
		return 0 # a value nothing can guess
		;;
	esac

	if [[ $cmd == help || ($COMP_CWORD -eq 2 && ${COMP_WORDS[1]} == help) ]]; then
		[[ $COMP_CWORD -eq 2 ]] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return 0
	fi
	[[ $cmd == version ]] && return 0

	if [[ $cur == -* ]]; then
		case $cmd in
		check)
			COMPREPLY=($(compgen -W "$_pirscan_scan_opts --fail-on --grace --fail-on-reason
				--warn-within --no-fail-on-invalid --fail-on-invalid --max-slips --changed-since --format" -- "$cur"))
			;;
		report)
			COMPREPLY=($(compgen -W "$_pirscan_scan_opts --group-by --group --format --since
				--warn-within --output --from --send --smtp-url --smtp-user --smtp-insecure
				--smtp-ca-file --smtp-timeout --sendmail --ca-file --webhook-timeout" -- "$cur"))
			;;
		incidents)
			COMPREPLY=($(compgen -W "$_pirscan_scan_opts --format" -- "$cur"))
			;;
		*)
			COMPREPLY=($(compgen -W "$_pirscan_scan_opts --stale --all --format" -- "$cur"))
			[[ $COMP_CWORD -eq 1 ]] && COMPREPLY+=($(compgen -W "--version -V" -- "$cur"))
			;;
		esac
		return 0
	fi

	# repositories are folders; the first word may also be a command
	COMPREPLY=($(compgen -d -- "$cur"))
	[[ $COMP_CWORD -eq 1 ]] && COMPREPLY+=($(compgen -W "$commands" -- "$cur"))
	return 0
}

complete -o filenames -F _pirscan pirscan
