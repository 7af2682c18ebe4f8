#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# format_test.sh SOURCE_ROOT
#
# Every C file of the tree is formatted as .clang-format says, with Debian's
# clang-format (14 on Debian 12; other versions format a few constructs
# differently, so only that major version is held to it). Run
# `clang-format -i $(git ls-files '*.c' '*.h')` to fix. Skipped (exit 77)
# without clang-format 14, unless PIRSCAN_REQUIRE_FORMAT=1 (CI).
set -u
root=$(cd "$1" && pwd)
cf=$(command -v clang-format-14 || command -v clang-format || true)
skip() {
	echo "$1"
	[ "${PIRSCAN_REQUIRE_FORMAT:-0}" = 1 ] && exit 1
	exit 77
}
[ -n "$cf" ] || skip "clang-format is not installed (Debian: clang-format)"
"$cf" --version | grep -q 'version 14\.' || skip "$("$cf" --version): not clang-format 14"
cd "$root" || exit 2
if git rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files '*.c' '*.h')
else
	mapfile -t files < <(find include src tests fuzz -name '*.c' -o -name '*.h' | sort)
fi
if "$cf" --dry-run -Werror "${files[@]}" 2>"${TMPDIR:-/tmp}/pirscan-format.$$"; then
	rm -f "${TMPDIR:-/tmp}/pirscan-format.$$"
	echo "${#files[@]} files formatted as .clang-format says"
	echo "1 passed, 0 failed"
	exit 0
fi
grep -E '^[^ ].*: (warning|error):' "${TMPDIR:-/tmp}/pirscan-format.$$" | cut -d: -f1 | sort -u |
	sed 's/^/not formatted: /'
rm -f "${TMPDIR:-/tmp}/pirscan-format.$$"
echo "run: clang-format -i \$(git ls-files '*.c' '*.h')"
echo "0 passed, 1 failed"
exit 1
