#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# incremental.sh REPO [OLD] -- the history cache on one large repository.
#
# Scans REPO (a clone of git.git or curl; it is only read) with a fresh cache
# at OLD (default HEAD~2000), then at HEAD with that cache (the history
# cache's record of OLD: only the new commits are compared), and compares the
# CPU time (user + sys) of that second scan with a fresh --no-cache scan of
# HEAD; the outputs (--all --format json) must be identical. Interleaved,
# best of BENCH_RUNS (default 3); prints one line per measure, then the ratio
# (issue 11's goal: <= 25%).
#
# Environment:
#   PIRSCAN      pirscan binary (default: build-rel/src/cli/pirscan, else
#                build/src/cli/pirscan, in this source tree)
#   BENCH_RUNS   rounds (default 3)
#   BENCH_AS_OF  --as-of of every run (default 2026-12-01)
#
# Exit status: 0 when the outputs are identical, 1 when they differ or a run
# failed, 2 on usage errors.
set -euo pipefail
export LC_ALL=C

prog=${0##*/}
root=$(cd "$(dirname "$0")/../.." && pwd)
[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $prog REPO [OLD]" >&2; exit 2; }
repo=$1
old=$(git -C "$repo" rev-parse "${2:-HEAD~2000}") || { echo "$prog: bad OLD" >&2; exit 2; }
pirscan=${PIRSCAN:-}
for p in "$root/build-rel/src/cli/pirscan" "$root/build/src/cli/pirscan"; do
	[[ -z $pirscan && -x $p ]] && pirscan=$p
done
[[ -x $pirscan ]] || { echo "$prog: no pirscan binary (set PIRSCAN)" >&2; exit 2; }
runs=${BENCH_RUNS:-3}
as_of=${BENCH_AS_OF:-2026-12-01}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(-q --all --format json --as-of "$as_of")

# cpu OUT -- "$@" once; CPU seconds (user + sys) to stdout, its output to OUT
cpu() {
	local out=$1
	shift 2
	/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$out" 2>"$tmp/err" ||
		{ echo "$prog: failed: $* ($(head -c 200 "$tmp/err"))" >&2; exit 1; }
	awk '{ printf "%.2f", $1 + $2 }' "$tmp/time"
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

best_fresh='' best_old='' best_inc=''
for ((i = 1; i <= runs; i++)); do
	f=$(cpu "$tmp/fresh.json" -- "$pirscan" "${args[@]}" --no-cache "$repo")
	rm -rf "$tmp/cache"
	o=$(cpu "$tmp/old.json" -- "$pirscan" "${args[@]}" --cache "$tmp/cache" --ref "$old" "$repo")
	n=$(cpu "$tmp/inc.json" -- "$pirscan" "${args[@]}" --cache "$tmp/cache" "$repo")
	cmp -s "$tmp/fresh.json" "$tmp/inc.json" ||
		{ echo "$prog: OUTPUT DIFFERS between the cached and the fresh scan of HEAD" >&2; exit 1; }
	echo "round $i: fresh HEAD ${f}s, cached at OLD ${o}s, then HEAD from its record ${n}s" >&2
	best_fresh=$(min "$f" "$best_fresh")
	best_old=$(min "$o" "$best_old")
	best_inc=$(min "$n" "$best_inc")
done
commits=$(git -C "$repo" rev-list --count HEAD)
new=$(git -C "$repo" rev-list --count "$old..HEAD")
rows=$(sqlite3 "$tmp/cache/cache.sqlite" "select tips || ', ' || length || ' bytes' from results where repo like 'history %'" 2>/dev/null || echo n/a)
echo "repository: $repo ($commits commits, $new after $(git -C "$repo" rev-parse --short "$old"))"
echo "fresh scan of HEAD (--no-cache):         ${best_fresh}s CPU"
echo "scan of OLD filling the cache:           ${best_old}s CPU"
echo "scan of HEAD from OLD's history record:  ${best_inc}s CPU  ($rows)"
awk -v a="$best_inc" -v b="$best_fresh" \
	'BEGIN { printf "ratio: %.1f%% of a fresh scan (goal <= 25%%), output identical\n", 100 * a / b }'
