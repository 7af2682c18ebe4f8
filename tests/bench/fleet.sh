#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# fleet.sh FLEET_DIR -- measure pirscan over a whole fleet of repositories.
#
# FLEET_DIR is made by tests/bench/gen-fleet.py (its repos.txt, pirscan.yml
# and fleet.json are read). Measures, one run each, on a warm page cache:
#   1. first night: pirscan report over every repository, default threads
#   2. first night: the same with --threads 1
#   3. first night: pirscan --all --format json over every repository
#   4. the report under `ulimit -n $FLEET_NOFILE` (default 64): passes or not
# with CPU seconds (user + sys), wall seconds, peak RSS and the largest
# number of open files (sampled from /proc/PID/fd every 50 ms). Then the rows
# issue 11 asks for that need options pirscan does not have yet; each runs
# only when `pirscan --help` lists its options, else prints "n/a: needs ...":
#   5. second night, nothing changed (needs --cache): <= 5% of row 1's CPU
#   6. ten repositories with a new commit (needs --cache): <= 10%;
#      CHANGES THE FLEET: adds a commit to 10 repositories (gen-fleet.py --touch)
#   7. one large repository, older commit then tip (needs --cache; set
#      FLEET_LARGE=REPO, FLEET_LARGE_OLD=COMMIT, default HEAD~2000): <= 25%
#      of a fresh scan, output identical
#   8. four shards (needs --shard and --from-json): largest <= 1.3x the mean,
#      merged report identical to row 1's (row 6f's once row 6 changed the fleet)
# Repositories are given as arguments, in one direct exec (no xargs), or
# with --repos-from repos.txt once pirscan lists that option.
#
# Environment:
#   PIRSCAN        pirscan binary (default: build-release/src/cli/pirscan,
#                  else build/src/cli/pirscan, in this source tree)
#   PIRSCAN_ARGS   extra arguments for every pirscan run
#   FLEET_AS_OF    --as-of of every run (default 2026-06-01: outputs comparable)
#   FLEET_NOFILE   the file limit of row 4 (default 64; 0 skips the row)
#   FLEET_SKIP     row numbers to skip, e.g. "2 3"
#
# Exit status: 0 when every command ran, 1 when one failed, 2 on usage errors.

# shellcheck disable=SC2016

set -euo pipefail
export LC_ALL=C

prog=${0##*/}
die() {
	printf '%s: %s\n' "$prog" "$1" >&2
	exit "${2:-2}"
}
if [[ $# -ge 1 && ($1 == -h || $1 == --help) ]]; then
	sed -n '4,36s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	exit 0
fi
[[ $# -eq 1 ]] || die "usage: $prog FLEET_DIR   (made by tests/bench/gen-fleet.py)"
fleet=$(cd "$1" 2>/dev/null && pwd) || die "$1: not a directory"
for f in repos.txt pirscan.yml fleet.json; do
	[[ -f $fleet/$f ]] || die "$fleet/$f: missing (make the fleet with tests/bench/gen-fleet.py)"
done

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
read -r -a extra <<<"${PIRSCAN_ARGS:-}"
as_of=${FLEET_AS_OF:-2026-06-01}
nofile=${FLEET_NOFILE:-64}
[[ $nofile =~ ^[0-9]+$ ]] || die "FLEET_NOFILE must be a number"
skip=" ${FLEET_SKIP:-} "
if ! [[ -x /usr/bin/time ]] || ! /usr/bin/time -f '%e' -o /dev/null true 2>/dev/null; then
	die "GNU time is needed at /usr/bin/time (apt-get install -y time)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pirscan-fleet.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# which of the options issue 11 will add does this pirscan have?
help=$("$pirscan" --help 2>&1; "$pirscan" report --help 2>&1) || true
has() { grep -qE -- "$1([ =,[]|$)" <<<"$help"; }
have=()
for o in --repos-from --cache --no-cache --shard --from-json; do
	if has "$o"; then have+=("$o"); fi
done

mapfile -t repos < <(grep -v '^[[:space:]]*\(#\|$\)' "$fleet/repos.txt")
((${#repos[@]} > 0)) || die "$fleet/repos.txt lists no repository"
if has --repos-from; then
	repo_args=(--repos-from "$fleet/repos.txt")
else
	repo_args=("${repos[@]}")
fi
common=(--config "$fleet/pirscan.yml" --as-of "$as_of" "${extra[@]}")
# the first-night rows measure a scan without the cache (nor filling the user's)
fresh=()
if has --no-cache; then fresh=(--no-cache); fi

read -r n_commits n_entries n_markers < <(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print(t["commits"], t["entries"], t["markers"])' "$fleet/fleet.json")
pack_mib=$(du -sk "$fleet" | awk '{ printf "%.0f", $1 / 1024 }')
cpu=$(awk -F': *' '/^(model name|Model|Hardware|cpu model)[[:space:]]*:/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
printf 'date        %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'machine     %s cores, %s; load average %s\n' "$(nproc)" "${cpu:-unknown CPU}" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'pirscan     %s (%s)%s\n' "$pirscan" "$("$pirscan" --version 2>/dev/null | head -n 1 || echo '?')" \
	"${PIRSCAN_ARGS:+ args: $PIRSCAN_ARGS}"
printf 'fleet       %s: %s repositories, %s commits, %s entries, %s markers written, %s MiB\n' \
	"$fleet" "${#repos[@]}" "$n_commits" "$n_entries" "$n_markers" "$pack_mib"
printf 'options     %s\n' "${have[*]:-none of --repos-from --cache --shard --from-json}"
printf 'repos given %s\n\n' "$(if has --repos-from; then echo "--repos-from"; else echo "as ${#repos[@]} arguments"; fi)"

printf '%s: warming the page cache...\n' "$prog" >&2
find "$fleet" -path '*/objects/*' -type f -exec cat {} + >/dev/null

# run ID [NOFILE] -- CMD...: one run under GNU time, sampling open files.
# Sets r_cpu r_wall r_rss (MiB) r_fds r_rc; output in $tmp/ID.out, $tmp/ID.err.
run() {
	local id=$1 lim=$2 tp cp='' f
	shift 3
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/$id.time" \
		bash -c 'if [ "$0" != 0 ]; then ulimit -n "$0" || exit 125; fi; exec "$@"' "$lim" "$@" \
		>"$tmp/$id.out" 2>"$tmp/$id.err" &
	tp=$!
	r_fds=0
	while kill -0 "$tp" 2>/dev/null; do
		[[ -n $cp ]] || read -r cp _ 2>/dev/null <"/proc/$tp/task/$tp/children" || true
		if [[ -n $cp && -d /proc/$cp/fd ]]; then
			f=("/proc/$cp/fd/"*)
			((${#f[@]} <= r_fds)) || r_fds=${#f[@]}
		fi
		sleep 0.05
	done
	r_rc=0
	wait "$tp" || r_rc=$?
	local w u s m
	read -r w u s m < <(tail -n 1 "$tmp/$id.time") || true
	if [[ ${u:-} =~ ^[0-9.]+$ ]]; then
		r_wall=$w
		r_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		r_rss=$(awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }')
	else
		r_wall=n/a r_cpu=n/a r_rss=n/a
	fi
}

failed=0
declare -A cpu_of
printf '%-46s %8s %8s %8s %6s %5s  %s\n' row 'CPU s' 'wall s' 'RSS MiB' 'files' exit notes >"$tmp/table"
line() { printf '%-46s %8s %8s %8s %6s %5s  %s\n' "$@" >>"$tmp/table"; }
na() { line "$1" - - - - - "$2"; }

# ROW NUMBER LABEL NOFILE -- CMD...: measure, check the exit status (0 or 1 is a
# scan that ran; 2 or more is a failure), add the row
row() {
	local num=$1 label=$2 lim=$3
	shift 3
	if [[ $skip == *" $num "* ]]; then
		na "$num. $label" "skipped (FLEET_SKIP)"
		return
	fi
	printf '%s: %s. %s... ' "$prog" "$num" "$label" >&2
	run "r$num" "$lim" -- "$@"
	printf '%ss CPU, %ss wall, exit %s\n' "$r_cpu" "$r_wall" "$r_rc" >&2
	cpu_of[$num]=$r_cpu
	local note=''
	if ((r_rc > 1)); then
		note="FAILED: $(grep -m1 . "$tmp/r$num.err" | cut -c1-80 || true)"
		[[ $lim == 0 ]] && failed=1
	fi
	line "$num. $label" "$r_cpu" "$r_wall" "$r_rss" "$r_fds" "$r_rc" "$note"
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "" || b == "n/a" || b <= 0) print "n/a"; else printf "%.1f%%", 100 * a / b }'; }

row 1 'first night: report' 0 "$pirscan" report -q "${fresh[@]}" "${common[@]}" "${repo_args[@]}"
row 2 'first night: report --threads 1' 0 "$pirscan" report -q --threads 1 "${fresh[@]}" "${common[@]}" "${repo_args[@]}"
row 3 'first night: --all --format json' 0 "$pirscan" -q --all --format json "${fresh[@]}" "${common[@]}" "${repo_args[@]}"
if ((nofile > 0)); then
	row 4 "report under ulimit -n $nofile" "$nofile" "$pirscan" report -q "${fresh[@]}" "${common[@]}" "${repo_args[@]}"
	if [[ $skip != *" 4 "* ]]; then
		if ((r_rc <= 1)); then v=passes; else v="fails (issue 11: must pass)"; fi
		sed -i "\$s/\$/ $v/" "$tmp/table"
	fi
fi
if [[ -n ${cpu_of[1]:-} && -n ${cpu_of[2]:-} && -s $tmp/r1.out && -s $tmp/r2.out ]]; then
	cmp -s "$tmp/r1.out" "$tmp/r2.out" || line '   (rows 1 and 2 differ in output!)' - - - - - 'MISMATCH'
fi

# ---- hooks for issue 11's options: each runs once pirscan --help lists them ----
# (written against the option names of the issue; untested until they exist)

if has --cache; then
	cache=$tmp/cache
	row 5a 'second night: warm the cache (first)' 0 "$pirscan" report -q --cache "$cache" \
		"${common[@]}" "${repo_args[@]}"
	row 5 'second night: nothing changed' 0 "$pirscan" report -q --cache "$cache" \
		"${common[@]}" "${repo_args[@]}"
	sed -i "\$s/\$/ $(pct "${cpu_of[5]:-n/a}" "${cpu_of[1]:-}") of row 1 (goal <= 5%)/" "$tmp/table"
	cmp -s "$tmp/r5.out" "$tmp/r1.out" || sed -i '$s/$/ OUTPUT DIFFERS from row 1/' "$tmp/table"
	if [[ $skip != *" 6 "* ]]; then
		"$script_dir/gen-fleet.py" "$fleet" --touch 10 >"$tmp/touched" ||
			die "gen-fleet.py --touch failed" 1
		row 6 'ten repositories with a new commit' 0 "$pirscan" report -q --cache "$cache" \
			"${common[@]}" "${repo_args[@]}"
		sed -i "\$s/\$/ $(pct "${cpu_of[6]:-n/a}" "${cpu_of[1]:-}") of row 1 (goal <= 10%)/" "$tmp/table"
		row 6f 'ten changed: the same with --no-cache' 0 "$pirscan" report -q --no-cache \
			"${common[@]}" "${repo_args[@]}"
		cmp -s "$tmp/r6.out" "$tmp/r6f.out" || sed -i '$s/$/ OUTPUT DIFFERS from row 6/' "$tmp/table"
	else
		na '6. ten repositories with a new commit' 'skipped (FLEET_SKIP)'
	fi
	if [[ -n ${FLEET_LARGE:-} ]]; then
		old=$(git -C "$FLEET_LARGE" rev-parse "${FLEET_LARGE_OLD:-HEAD~2000}")
		lc=$tmp/cache-large
		row 7a 'large repo: fresh scan at the tip' 0 "$pirscan" -q --all --format json --no-cache \
			--as-of "$as_of" "${extra[@]}" "$FLEET_LARGE"
		row 7b 'large repo: cached scan at the older commit' 0 "$pirscan" -q --all --format json \
			--cache "$lc" --ref "$old" --as-of "$as_of" "${extra[@]}" "$FLEET_LARGE"
		row 7 'large repo: then at the tip, cached' 0 "$pirscan" -q --all --format json \
			--cache "$lc" --as-of "$as_of" "${extra[@]}" "$FLEET_LARGE"
		sed -i "\$s/\$/ $(pct "${cpu_of[7]:-n/a}" "${cpu_of[7a]:-}") of 7a (goal <= 25%)/" "$tmp/table"
		cmp -s "$tmp/r7.out" "$tmp/r7a.out" || sed -i '$s/$/ OUTPUT DIFFERS from 7a/' "$tmp/table"
	else
		na '7. large repo, older commit then tip' 'n/a: set FLEET_LARGE=REPO'
	fi
else
	na '5. second night, nothing changed' 'n/a: needs --cache'
	na '6. ten repositories with a new commit' 'n/a: needs --cache'
	na '7. large repo, older commit then tip' 'n/a: needs --cache'
fi

if has --shard && has --from-json; then
	shard_cpu=()
	for k in 0 1 2 3; do
		row "8.$k" "shard $k/4: --all --format json" 0 "$pirscan" -q --all --format json --shard "$k/4" \
			"${fresh[@]}" "${common[@]}" "${repo_args[@]}"
		cp "$tmp/r8.$k.out" "$tmp/shard$k.json"
		shard_cpu+=("${cpu_of[8.$k]}")
	done
	row 8 'report --from-json of the four shards' 0 "$pirscan" report -q "${common[@]}" \
		--from-json "$tmp"/shard0.json "$tmp"/shard1.json "$tmp"/shard2.json "$tmp"/shard3.json
	bal=$(printf '%s\n' "${shard_cpu[@]}" | awk '{ s += $1; if ($1 > m) m = $1 } END { if (s > 0) printf "%.2f", m / (s / NR); else print "n/a" }')
	sed -i "\$s/\$/ largest shard \/ mean = $bal (goal <= 1.3)/" "$tmp/table"
	# row 6 changed the fleet: the single run to match is then row 6f's
	want=1
	[[ -s $tmp/r6f.out ]] && want=6f
	cmp -s "$tmp/r8.out" "$tmp/r$want.out" || sed -i "\$s/\$/; OUTPUT DIFFERS from row $want/" "$tmp/table"
else
	na '8. four shards' 'n/a: needs --shard and --from-json'
fi

printf '\n'
cat "$tmp/table"
printf '\n(CPU = user + sys; RSS = peak resident set (GNU time %%M); files = most open\n'
printf ' file descriptors seen in /proc/PID/fd, sampled every 50 ms; one run each.)\n'
exit "$failed"
