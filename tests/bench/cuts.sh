#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# cuts.sh REPO [COUNT...] -- is a full-history scan linear in the history?
#
# For each COUNT (default: 20000 40000 all), finds the commit C on HEAD's
# first-parent chain whose `git rev-list --count C` is nearest COUNT ("all"
# is HEAD), then measures once, on a warm page cache:
#   pirscan --all --no-cache --format json --ref C REPO
# CPU seconds (user + sys, GNU time), wall seconds, peak RSS, and the
# commits, merges and items of the cut. It prints a table with CPU seconds
# per 1,000 commits, the ratio of CPU per commit between the largest and the
# smallest cut (issue 10: within 1.3x), and for the whole of HEAD two
# baselines, each run once:
#   the floor       git cat-file --batch-all-objects --unordered --batch
#   the naive way   git log -p HEAD | grep -c 'TODO PIR'
# with the ratios of issue 10's targets. A benchmark, not a test: a missed
# target is reported, never an error; only a failed command is.
#
# Environment:
#   PIRSCAN        pirscan binary (default: build-release/src/cli/pirscan,
#                  else build/src/cli/pirscan, in this source tree)
#   PIRSCAN_ARGS   extra arguments for pirscan, e.g. "--threads 1"
#   BENCH_TIMEOUT  seconds after which one run is killed (default: none)
#   CUTS_NO_BASELINES=1   skip the floor and git log -p runs on HEAD
#   CUTS_NO_FLOOR=1       skip each cut's own floor (see below)
#
# Each cut's own floor is `git rev-list --objects C | git cat-file --batch`
# (the list made first, only cat-file timed): what reading every object of
# that cut once costs git. When the objects of later history are larger
# (git.git: its deltas are), the floor per commit grows too, and a constant
# pirscan/floor column says pirscan is linear in what the history holds.
#
# Each cut's packed bytes (`cat-file --batch-check` of the same list, not
# timed): the on-disk size of its trees and blobs, then of those stored as
# deltas alone, per commit. No reader can learn what the commits changed
# without reading at least the deltas, so when they grow per commit (git.git:
# about 6x from the 20k cut to the whole), CPU per commit cannot stay flat, and
# "CPU per packed byte" is the growth that is pirscan's own.
#
# Exit status: 0 when every command ran, 1 when one failed, 2 on usage errors.

# The snippets are single-quoted for a child `bash -c` to expand.
# shellcheck disable=SC2016

set -euo pipefail
export LC_ALL=C

prog=${0##*/}

die() {
	printf '%s: %s\n' "$prog" "$1" >&2
	exit "${2:-2}"
}

if [[ $# -ge 1 && ($1 == -h || $1 == --help) ]]; then
	sed -n '4,42s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	exit 0
fi
[[ $# -ge 1 ]] || die "usage: $prog REPO [COUNT...]   (env: PIRSCAN, PIRSCAN_ARGS, BENCH_TIMEOUT)"

repo=$1
shift
counts=("$@")
[[ ${#counts[@]} -gt 0 ]] || counts=(20000 40000 all)
for c in "${counts[@]}"; do
	[[ $c == all || $c =~ ^[1-9][0-9]*$ ]] || die "COUNT must be a positive integer or 'all', not '$c'"
done
[[ -d $repo ]] || die "$repo: not a directory"
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo: not a git repository"
git -C "$repo" rev-parse --verify -q 'HEAD^{commit}' >/dev/null ||
	die "$repo: HEAD does not name a commit (empty repository?)"

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_root=$(cd "$script_dir/../.." && pwd)
if [[ -n ${PIRSCAN:-} ]]; then
	pirscan=$PIRSCAN
elif [[ -x $src_root/build-release/src/cli/pirscan ]]; then
	pirscan=$src_root/build-release/src/cli/pirscan
else
	pirscan=$src_root/build/src/cli/pirscan
fi
[[ -f $pirscan && -x $pirscan ]] || die "pirscan binary not found: $pirscan (build it, or set PIRSCAN)"
[[ $pirscan == */* ]] || pirscan=./$pirscan
read -r -a pirscan_args <<<"${PIRSCAN_ARGS:-}"
# every run scans: none may be answered from the result cache (on by default since --cache)
if "$pirscan" --help 2>&1 | grep -q -- '--no-cache'; then
	pirscan_args=(--no-cache ${pirscan_args[@]+"${pirscan_args[@]}"})
fi

# the option that names the scanned commit: --ref today; say so if it changes
"$pirscan" --help 2>&1 | grep -q -- '--ref ' || die "$pirscan --help lists no --ref option" 1

if ! [[ -x /usr/bin/time ]] || ! /usr/bin/time -f '%e' -o /dev/null true 2>/dev/null; then
	die "GNU time is needed at /usr/bin/time for CPU and RSS (apt-get install -y time)"
fi

timeout_cmd=()
if [[ -n ${BENCH_TIMEOUT:-} ]]; then
	[[ $BENCH_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT must be a positive number of seconds"
	timeout_cmd=(timeout --signal=KILL "$BENCH_TIMEOUT")
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pirscan-cuts.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# measure SNIPPET ARGS...: one run under GNU time. Sets m_wall m_cpu m_rss(KiB) m_rc;
# stdout and stderr are left in $tmp/out and $tmp/err.
measure() {
	local snip=$1 last
	shift
	m_rc=0
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "${timeout_cmd[@]}" bash -c "$snip" snip "$@" \
		>"$tmp/out" 2>"$tmp/err" || m_rc=$?
	last=$(tail -n 1 "$tmp/time")
	read -r m_wall u s m_rss <<<"$last" || true
	if [[ $u =~ ^[0-9.]+$ && $s =~ ^[0-9.]+$ ]]; then
		m_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	else
		m_cpu=n/a m_wall=n/a m_rss=0
	fi
}

# the first-parent commit of HEAD whose history size is nearest N (binary
# search: along the first-parent chain, the count only grows)
fp=$tmp/first-parent
git -C "$repo" rev-list --first-parent HEAD | tac >"$fp" # oldest first
nfp=$(wc -l <"$fp")
count_of() { git -C "$repo" rev-list --count "$1"; }
nearest() {
	local want=$1 lo=1 hi=$nfp mid c
	while ((lo < hi)); do
		mid=$(((lo + hi) / 2))
		c=$(count_of "$(sed -n "${mid}p" "$fp")")
		if ((c < want)); then lo=$((mid + 1)); else hi=$mid; fi
	done
	# lo is the first with count >= want; its predecessor may be nearer
	local a b ca cb
	b=$(sed -n "${lo}p" "$fp")
	cb=$(count_of "$b")
	if ((lo > 1)); then
		a=$(sed -n "$((lo - 1))p" "$fp")
		ca=$(count_of "$a")
		if ((want - ca <= cb - want)); then
			echo "$a"
			return
		fi
	fi
	echo "$b"
}

head_commit=$(git -C "$repo" rev-parse HEAD)
total=$(count_of HEAD)
cpu=$(awk -F': *' '/^(model name|Model|Hardware|cpu model)[[:space:]]*:/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
printf 'date        %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'machine     %s cores, %s; load average %s\n' "$(nproc)" "${cpu:-unknown CPU}" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'git         %s\n' "$(git --version)"
printf 'pirscan     %s (%s)%s\n' "$pirscan" "$("$pirscan" --version 2>/dev/null | head -n 1 || echo '?')" \
	"${PIRSCAN_ARGS:+ args: $PIRSCAN_ARGS}"
printf 'repository  %s: %s commits on HEAD (%s first-parent)\n\n' "$repo" "$total" "$nfp"

printf '%s: warming the page cache...\n' "$prog" >&2
git -C "$repo" cat-file --batch-all-objects --unordered --batch >/dev/null

scan='"$2" --all --no-cache --format json --ref "$3" "${@:4}" "$1" >"$TMPOUT"; rc=$?; [ "$rc" -le 1 ] || exit "$rc"'
export TMPOUT=$tmp/json
failed=0
rows=()
for want in "${counts[@]}"; do
	if [[ $want == all ]]; then c=$head_commit; else c=$(nearest "$want"); fi
	n=$(count_of "$c")
	mg=$(git -C "$repo" rev-list --count --merges "$c")
	printf '%s: cut %s: %s (%s commits) ' "$prog" "$want" "${c:0:12}" "$n" >&2
	measure "$scan" "$repo" "$pirscan" "$c" "${pirscan_args[@]}"
	if [[ $m_rc -ne 0 ]]; then
		printf 'FAILED (exit %s: %s)\n' "$m_rc" "$(grep -m1 . "$tmp/err" || true)" >&2
		rows+=("$want $c $n $mg FAILED - - - -")
		failed=1
		continue
	fi
	printf '%ss CPU\n' "$m_cpu" >&2
	cpu_cut=$m_cpu wall_cut=$m_wall rss_cut=$m_rss
	# the items pirscan reported, and the commits it says it walked
	read -r items walked < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d.get("items", [])), sum(r.get("commits", 0) for r in d.get("repositories", [])))
' "$TMPOUT" 2>/dev/null || echo '- -')
	# what the cut holds, as its packs store it: every tree and blob, then
	# those stored as deltas alone (about what each commit changed)
	git -C "$repo" rev-list --objects "$c" | cut -c1-40 >"$tmp/objs"
	read -r packed deltas < <(git -C "$repo" cat-file \
		--batch-check='%(objecttype) %(objectsize:disk) %(deltabase)' <"$tmp/objs" |
		awk '$1 == "tree" || $1 == "blob" { p += $2; if ($3 !~ /^0+$/) d += $2 }
		END { printf "%d %d\n", p, d }')
	f_cpu=-
	if [[ -z ${CUTS_NO_FLOOR:-} ]]; then
		measure 'git -C "$1" cat-file --batch <"$2" >/dev/null' "$repo" "$tmp/objs"
		if [[ $m_rc -eq 0 ]]; then f_cpu=$m_cpu; else failed=1; fi
	fi
	rows+=("$want $c $n $mg $cpu_cut $wall_cut $rss_cut $items $walked $f_cpu $packed $deltas")
done

printf '\n%-7s %-12s %8s %7s %8s %8s %9s %8s %7s %8s %10s %8s %9s %9s\n' cut commit commits merges 'CPU s' \
	'wall s' 'CPU s/1k' 'RSS MiB' items walked 'floor s/1k' 'x floor' 'packed/c' 'deltas/c'
for r in "${rows[@]}"; do
	read -r want c n mg cpu_s wall rss items walked fl pk dl <<<"$r"
	if [[ $cpu_s == FAILED ]]; then
		printf '%-7s %-12s %8s %7s %8s\n' "$want" "${c:0:12}" "$n" "$mg" FAILED
		continue
	fi
	awk -v w="$want" -v c="${c:0:12}" -v n="$n" -v m="$mg" -v cpu="$cpu_s" -v wall="$wall" \
		-v rss="$rss" -v it="$items" -v wk="$walked" -v fl="${fl:--}" -v pk="$pk" -v dl="$dl" 'BEGIN {
		fk = fl == "-" ? "-" : sprintf("%.3f", fl / n * 1000)
		fx = fl == "-" || fl <= 0 ? "-" : sprintf("%.2f", cpu / fl)
		printf "%-7s %-12s %8d %7d %8.2f %8.2f %9.3f %8.1f %7s %8s %10s %8s %9d %9d\n",
			w, c, n, m, cpu, wall, cpu / n * 1000, rss / 1024, it, wk, fk, fx, pk / n, dl / n }'
done
printf '(packed/c, deltas/c: bytes per commit of the cut'"'"'s trees and blobs as its packs store\n'
printf ' them, then of those stored as deltas alone: about what the commits changed)\n'

# linearity: CPU per commit of the largest cut over that of the smallest
ok_rows=()
for r in "${rows[@]}"; do
	read -r _ _ n _ cpu_s _ _ _ _ fl pk dl <<<"$r"
	[[ $cpu_s == FAILED ]] || ok_rows+=("$n $cpu_s ${fl:--} $pk $dl")
done
peak_rss=0
full_cpu='' full_wall=''
for r in "${rows[@]}"; do
	read -r want c _ _ cpu_s wall rss _ <<<"$r"
	[[ $cpu_s != FAILED ]] || continue
	((rss > peak_rss)) && peak_rss=$rss
	if [[ $c == "$head_commit" ]]; then full_cpu=$cpu_s full_wall=$wall; fi
done

# a / b to two places, n/a when either is
q() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b <= 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
	if (v == "n/a") { print "-"; exit }
	ok = (op == "<=") ? v <= l : (op == ">=") ? v >= l : v < l; print ok ? "met" : "MISSED" }'; }
row() { printf '%-50s %9s %9s  %s\n' "$1" "$2" "$3 $4" "$(verdict "$2" "$3" "$4")"; }

printf '\n%-50s %9s %9s  %s\n' 'target (one run each)' value goal verdict
if ((${#ok_rows[@]} >= 2)); then
	# growth K: column K of ok_rows ("commits CPU floor packed deltas") per commit, largest cut over smallest
	growth() { printf '%s\n' "${ok_rows[@]}" | sort -n | awk -v k="$1" '
		$k == "-" || $k <= 0 { bad = 1 } NR == 1 { small = $k / $1 } { big = $k / $1 }
		END { if (bad) print "n/a"; else printf "%.2f", big / small }'; }
	row 'CPU/commit, largest cut / smallest cut' "$(growth 2)" '<=' 1.3
	# not a target of issue 10: how the floor itself grows, for reading the line above
	printf '%-50s %9s\n' '  the cuts'"'"' own floor, largest / smallest' "$(growth 3)"
	printf '%-50s %9s\n' '  packed trees and blobs, largest / smallest' "$(growth 4)"
	printf '%-50s %9s\n' '  the deltas among them, largest / smallest' "$(growth 5)"
	# CPU per packed byte: how pirscan grows in what the history holds
	printf '%-50s %9s\n' '  CPU per packed byte, largest / smallest' "$(q "$(growth 2)" "$(growth 4)")"
fi
row 'peak RSS of the cuts (MiB)' "$(awk -v k="$peak_rss" 'BEGIN { printf "%.1f", k / 1024 }')" '<' 256

if [[ -z ${CUTS_NO_BASELINES:-} ]]; then
	printf '%s: the floor (cat-file) on HEAD... ' "$prog" >&2
	measure 'git -C "$1" cat-file --batch-all-objects --unordered --batch >/dev/null' "$repo"
	if [[ $m_rc -eq 0 ]]; then floor_wall=$m_wall floor_cpu=$m_cpu; else floor_wall=n/a floor_cpu=n/a failed=1; fi
	printf '%ss\n' "$floor_wall" >&2
	floor_rss=$m_rss
	printf '%s: git log -p HEAD | grep on HEAD... ' "$prog" >&2
	measure 'git -C "$1" log -p HEAD | grep -c "TODO PIR"
		s=("${PIPESTATUS[@]}"); [ "${s[0]}" -eq 0 ] || exit "${s[0]}"; [ "${s[1]}" -le 1 ] || exit "${s[1]}"' "$repo"
	if [[ $m_rc -eq 0 ]]; then logp_wall=$m_wall logp_cpu=$m_cpu; else logp_wall=n/a logp_cpu=n/a failed=1; fi
	printf '%ss\n' "$logp_wall" >&2
	printf '\n%-36s %8s %8s %8s\n' 'baseline (HEAD, one run)' 'CPU s' 'wall s' 'RSS MiB'
	printf '%-36s %8s %8s %8.1f\n' 'git cat-file --batch-all-objects' "$floor_cpu" "$floor_wall" \
		"$(awk -v k="$floor_rss" 'BEGIN { print k / 1024 }')"
	printf '%-36s %8s %8s %8.1f\n' 'git log -p HEAD | grep -c' "$logp_cpu" "$logp_wall" \
		"$(awk -v k="$m_rss" 'BEGIN { print k / 1024 }')"
	if [[ -n $full_wall ]]; then
		printf '%-36s %8s %8s\n' 'pirscan (the "all" cut)' "$full_cpu" "$full_wall"
		printf '\n'
		row 'full history / cat-file floor (wall)' "$(q "$full_wall" "$floor_wall")" '<=' 0.5
		row 'git log -p | grep / full history (wall)' "$(q "$logp_wall" "$full_wall")" '>=' 6
		# on a loaded machine wall time says little; CPU time says what each one costs
		row 'full history / cat-file floor (CPU)' "$(q "$full_cpu" "$floor_cpu")" '<=' 0.5
		row 'git log -p | grep / full history (CPU)' "$(q "$logp_cpu" "$full_cpu")" '>=' 6
	else
		printf '(no "all" cut: the ratios to the baselines need one)\n'
	fi
fi
printf '\n(pirscan uses %s threads unless PIRSCAN_ARGS says otherwise; git log -p is single-threaded.\n' \
	"$(nproc)"
printf ' CPU = user + sys of the process and its children; one run each, not a best of N.)\n'
exit "$failed"
