# bash completion for sfdiag(1)                            -*- shell-script -*-
# Subcommands, options, formats, severities, and rule ids for --explain
# (from "sfdiag rules list", honouring --rules and $SFDIAG_RULES).

_sfdiag_rule_ids()
{
	local rules_opt=() i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == --rules ]]; then
			rules_opt=(--rules "${COMP_WORDS[i + 1]}")
		elif [[ ${COMP_WORDS[i]} == --rules=* ]]; then
			rules_opt=(--rules "${COMP_WORDS[i]#--rules=}")
		fi
	done
	"${COMP_WORDS[0]}" rules list "${rules_opt[@]}" 2>/dev/null |
		awk 'NR > 1 && $1 ~ /^[a-z0-9][a-z0-9-]*$/ { print $1 }'
}

_sfdiag()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local opts="--format --jobs --fail-on --rules --color --explain --no-jit --no-details --help --version"
	local triage_opts="--jobs --out --force --format --fail-on --quiet --rules --no-jit --help"

	# The subcommand, if any: the first word that is not an option or its value.
	local sub="" i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-f | --format | -j | --jobs | --fail-on | --rules | --color | --colour | --explain | -o | --out)
			((i++)) ;;
		-*) ;;
		*)
			sub=${words[i]}
			break
			;;
		esac
	done

	case $prev in
	-f | --format)
		if [[ $sub == triage ]]; then
			COMPREPLY=($(compgen -W "text json jsonl csv md html" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "text json md html" -- "$cur"))
		fi
		return
		;;
	--fail-on)
		COMPREPLY=($(compgen -W "info warning error never" -- "$cur"))
		return
		;;
	--color | --colour)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return
		;;
	--explain)
		COMPREPLY=($(compgen -W "$(_sfdiag_rule_ids)" -- "$cur"))
		return
		;;
	--rules | -o | --out)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	-j | --jobs)
		COMPREPLY=($(compgen -W "1 2 4 8" -- "$cur"))
		return
		;;
	esac

	case $sub in
	rules)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--rules --no-jit" -- "$cur"))
		elif [[ ${words[cword - 1]} == rules ]]; then
			COMPREPLY=($(compgen -W "check test list" -- "$cur"))
		fi
		return
		;;
	triage)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$triage_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -d -- "$cur"))
		fi
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [[ -z $sub ]]; then
		COMPREPLY=($(compgen -W "rules triage" -- "$cur") $(compgen -f -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
} &&
	complete -o filenames -F _sfdiag sfdiag
