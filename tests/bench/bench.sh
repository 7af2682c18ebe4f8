#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench.sh REPO [RUNS] -- time pirscan against git's own tools on one repository.
#
# Runs, RUNS times each (default 3), round-robin:
#   a. pirscan full-history scan      pirscan -q --format json REPO
#   b. the naive history search       git -C REPO log -p HEAD | grep -c 'TODO PIR'
#   c. the floor: inflate everything  git -C REPO cat-file --batch-all-objects --unordered --batch
#   d. pirscan HEAD scan              pirscan -q --no-history --format json REPO
#   e. git grep on the HEAD tree      git -C REPO grep -c 'TODO PIR' HEAD
# and prints best and median wall time, peak RSS, and the ratios the
# project's targets are about. A benchmark, not a test: it never fails on a
# missed target, only when a command fails.
#
# Environment:
#   PIRSCAN        pirscan binary (default: build/src/cli/pirscan in this source tree)
#   PIRSCAN_ARGS   extra arguments for both pirscan runs, e.g. "--threads 4"
#   BENCH_TIMEOUT  seconds after which one run is killed (needs timeout(1); default: none)
#
# Exit status: 0 when every command ran, 1 when one failed, 2 on usage errors.

# The benchmark snippets are single-quoted for a child `bash -c` to expand.
# shellcheck disable=SC2016

set -euo pipefail
export LC_ALL=C # the decimal point of $EPOCHREALTIME, awk and sort

prog=${0##*/}

usage() {
	printf 'usage: %s REPO [RUNS]   (env: PIRSCAN, PIRSCAN_ARGS, BENCH_TIMEOUT)\n' "$prog" >&2
	exit 2
}

die() {
	printf '%s: %s\n' "$prog" "$1" >&2
	exit "${2:-2}"
}

if [[ $# -ge 1 && ($1 == -h || $1 == --help) ]]; then
	sed -n '4,21s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	exit 0
fi
[[ $# -ge 1 && $# -le 2 ]] || usage

repo=$1
runs=${2:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$runs'"
[[ -e $repo ]] || die "$repo: no such file or directory"
[[ -d $repo ]] || die "$repo: not a directory"
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo: not a git repository"
git -C "$repo" rev-parse --verify -q 'HEAD^{commit}' >/dev/null ||
	die "$repo: HEAD does not name a commit (empty repository?)"

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_root=$(cd "$script_dir/../.." && pwd)
pirscan=${PIRSCAN:-$src_root/build/src/cli/pirscan}
[[ -e $pirscan ]] || die "pirscan binary not found: $pirscan (build it, or set PIRSCAN=/path/to/pirscan)"
[[ -f $pirscan && -x $pirscan ]] || die "pirscan binary is not an executable file: $pirscan"
[[ $pirscan == */* ]] || pirscan=./$pirscan # never looked up in PATH

read -r -a pirscan_args <<<"${PIRSCAN_ARGS:-}"
# every run scans: none may be answered from the result cache (on by default since --cache)
if "$pirscan" --help 2>&1 | grep -q -- '--no-cache'; then
	pirscan_args=(--no-cache ${pirscan_args[@]+"${pirscan_args[@]}"})
fi

timeout_cmd=()
if [[ -n ${BENCH_TIMEOUT:-} ]]; then
	[[ $BENCH_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT must be a positive number of seconds"
	command -v timeout >/dev/null || die "BENCH_TIMEOUT is set but timeout(1) is not installed"
	timeout_cmd=(timeout --signal=KILL "$BENCH_TIMEOUT")
fi

have_gnu_time=0
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
	have_gnu_time=1
else
	printf '%s: note: /usr/bin/time (GNU time, Debian package "time") not found; peak RSS is n/a\n' \
		"$prog" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pirscan-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- the benchmarks: id, label, snippet ($1 = REPO, $2 = pirscan, $3... = PIRSCAN_ARGS) ----
#
# The snippets are single-quoted on purpose: the child `bash -c` expands them
# (SC2016 is disabled for that at the top of the file).
#
# A snippet fails when its exit status is not 0. grep and git grep exit 1 when
# nothing matched, which is not a failure; pirscan exits 1 for findings.

ids=(full logp floor head grep)
declare -A label snippet
label[full]='a. pirscan full history'
snippet[full]='"$2" -q --format json "${@:3}" "$1" >/dev/null; rc=$?; [ "$rc" -le 1 ] || exit "$rc"'
label[logp]='b. git log -p | grep -c'
snippet[logp]='git -C "$1" log -p HEAD | grep -c "TODO PIR"
	s=("${PIPESTATUS[@]}"); [ "${s[0]}" -eq 0 ] || exit "${s[0]}"; [ "${s[1]}" -le 1 ] || exit "${s[1]}"'
label[floor]='c. cat-file --batch-all-objects'
snippet[floor]='git -C "$1" cat-file --batch-all-objects --unordered --batch >/dev/null'
label[head]='d. pirscan HEAD scan'
snippet[head]='"$2" -q --no-history --format json "${@:3}" "$1" >/dev/null; rc=$?; [ "$rc" -le 1 ] || exit "$rc"'
label[grep]='e. git grep -c HEAD'
snippet[grep]='git -C "$1" grep -c "TODO PIR" HEAD; rc=$?; [ "$rc" -le 1 ] || exit "$rc"'

# measure ID: one run. Sets m_wall (seconds), m_rss (KiB or n/a), m_rc;
# the command's stdout and stderr are left in $tmp/out and $tmp/err.
measure() {
	local id=$1 start end last
	local -a cmd=("${timeout_cmd[@]}" bash -c "${snippet[$id]}" "$id" "$repo" "$pirscan"
		"${pirscan_args[@]}")
	m_rc=0
	m_rss=n/a
	if ((have_gnu_time)); then
		start=${EPOCHREALTIME:-}
		/usr/bin/time -f '%e %M' -o "$tmp/time" "${cmd[@]}" >"$tmp/out" 2>"$tmp/err" || m_rc=$?
		end=${EPOCHREALTIME:-}
		last=$(tail -n 1 "$tmp/time")
		m_rss=${last#* }
		if [[ -n $start && -n $end ]]; then # millisecond resolution where bash has it
			m_wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
		else
			m_wall=${last%% *}
		fi
		[[ $m_rss =~ ^[0-9]+$ ]] || m_rss=n/a
	else
		local TIMEFORMAT=%3R
		{ time "${cmd[@]}" >"$tmp/out" 2>"$tmp/err"; } 2>"$tmp/time" || m_rc=$?
		m_wall=$(tail -n 1 "$tmp/time")
	fi
}

# median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
		else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- the machine and the repository ----

cpu=$(awk -F': *' '/^(model name|Model|Hardware|cpu model)[[:space:]]*:/ { print $2; exit }' \
	/proc/cpuinfo 2>/dev/null || true)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576; exit }' /proc/meminfo 2>/dev/null || true)
pack_kib=$(git -C "$repo" count-objects -v | awk '/^size-pack:/ { print $2 }')
loose=$(git -C "$repo" count-objects -v | awk '/^count:/ { print $2 }')
in_pack=$(git -C "$repo" count-objects -v | awk '/^in-pack:/ { print $2 }')
bare=$(git -C "$repo" rev-parse --is-bare-repository)
commits=$(git -C "$repo" rev-list --count HEAD)

printf 'machine     %s cores, %s, %s\n' "$(nproc)" "${cpu:-unknown CPU}" "${mem:-? GiB}"
printf 'kernel      %s\n' "$(uname -sr)"
printf 'git         %s\n' "$(git --version)"
printf 'pirscan     %s (%s)\n' "$pirscan" "$("$pirscan" --version 2>/dev/null | head -n 1 || echo '?')"
[[ ${#pirscan_args[@]} -eq 0 ]] || printf 'pirscan args %s\n' "${pirscan_args[*]}"
printf 'repository  %s (bare: %s)\n' "$repo" "$bare"
printf 'history     %s commits reachable from HEAD; %s packed objects, %s loose\n' \
	"$commits" "$in_pack" "$loose"
printf 'pack size   %s\n' "$(awk -v k="$pack_kib" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
printf 'runs        %s each, round-robin; page cache warmed by one untimed cat-file run\n\n' "$runs"

# ---- warm up, then measure ----

printf '%s: warming the page cache...\n' "$prog" >&2
measure floor
if [[ $m_rc -ne 0 ]]; then
	die "git cat-file failed on $repo: $(head -n 1 "$tmp/err")" 1
fi

declare -A times rss fail note
for id in "${ids[@]}"; do
	times[$id]=''
	rss[$id]=0
	fail[$id]=''
	note[$id]=''
done

failed=0
for ((r = 1; r <= runs; r++)); do
	for id in "${ids[@]}"; do
		[[ -z ${fail[$id]} ]] || continue # a failed command is not retried
		printf '%s: run %d/%d %-32s ' "$prog" "$r" "$runs" "${label[$id]}" >&2
		measure "$id"
		if [[ $m_rc -ne 0 ]]; then
			msg=$(grep -v '^[[:space:]]*$' "$tmp/err" | head -n 1 || true)
			case $m_rc in
			124 | 137) [[ -z ${BENCH_TIMEOUT:-} ]] || msg="killed after ${BENCH_TIMEOUT}s" ;;
			esac
			fail[$id]="exit $m_rc${msg:+: $msg}"
			failed=1
			printf 'FAILED after %ss (%s)\n' "$m_wall" "${fail[$id]}" >&2
			if [[ -s $tmp/err ]]; then
				sed -n '1,5s/^/    | /p' "$tmp/err" >&2
			fi
			continue
		fi
		printf '%ss\n' "$m_wall" >&2
		times[$id]+="$m_wall "
		if [[ $m_rss == n/a ]]; then
			rss[$id]=n/a
		elif [[ ${rss[$id]} != n/a ]] && ((m_rss > ${rss[$id]})); then
			rss[$id]=$m_rss
		fi
		case $id in
		logp) note[$id]="$(head -n 1 "$tmp/out") lines match" ;;
		grep) note[$id]="$(awk -F: '{ s += $NF } END { print s + 0 }' "$tmp/out") lines match" ;;
		floor) note[$id]="the floor" ;;
		esac
	done
done

# ---- report ----

declare -A best med
printf '\n%-34s %9s %9s %13s  %s\n' benchmark 'best s' 'median s' 'peak RSS MiB' notes
for id in "${ids[@]}"; do
	if [[ -n ${fail[$id]} && -z ${times[$id]} ]]; then
		best[$id]=''
		printf '%-34s %9s %9s %13s  FAILED (%s)\n' "${label[$id]}" - - - "${fail[$id]}"
		continue
	fi
	best[$id]=$(tr ' ' '\n' <<<"${times[$id]}" | grep . | sort -n | head -n 1)
	med[$id]=$(tr ' ' '\n' <<<"${times[$id]}" | grep . | median)
	if [[ ${rss[$id]} == n/a ]]; then
		mib=n/a
	else
		mib=$(awk -v k="${rss[$id]}" 'BEGIN { printf "%.1f", k / 1024 }')
	fi
	n=${note[$id]}
	[[ -z ${fail[$id]} ]] || n="FAILED in a later run (${fail[$id]})"
	printf '%-34s %9.3f %9.3f %13s%s\n' "${label[$id]}" "${best[$id]}" "${med[$id]}" "$mib" "${n:+  $n}"
done

# ratio A B: best[A] / best[B], or n/a
ratio() {
	if [[ -z ${best[$1]} || -z ${best[$2]} ]]; then
		echo n/a
		return
	fi
	awk -v a="${best[$1]}" -v b="${best[$2]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# verdict VALUE OP LIMIT
verdict() {
	if [[ $1 == n/a ]]; then
		echo '-'
		return
	fi
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == "<=") ? v <= l : (op == ">=") ? v >= l : v < l
		print ok ? "met" : "MISSED" }'
}

peak=n/a
for id in full head; do
	[[ -n ${best[$id]} && ${rss[$id]} != n/a ]] || continue
	v=$(awk -v k="${rss[$id]}" 'BEGIN { printf "%.1f", k / 1024 }')
	if [[ $peak == n/a ]] || awk -v a="$v" -v b="$peak" 'BEGIN { exit !(a > b) }'; then
		peak=$v
	fi
done

printf '\n%-44s %9s %8s  %s\n' 'target (best times)' value goal verdict
row() {
	printf '%-44s %9s %8s  %s\n' "$1" "$2" "$3 $4" "$(verdict "$2" "$3" "$4")"
}
row 'full history / cat-file floor' "$(ratio full floor)" '<=' 1.0
row 'git log -p | grep  /  full history' "$(ratio logp full)" '>=' 4
row 'HEAD scan / git grep' "$(ratio head grep)" '<=' 1.0
row 'pirscan peak RSS (MiB)' "$peak" '<' 512
printf '\n(b runs single-threaded; pirscan uses %s threads unless PIRSCAN_ARGS says otherwise.\n' \
	"$(nproc)"
printf ' Peak RSS of a pipeline is that of its largest process.)\n'

exit "$failed"
