#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# precommit_framework_test.sh PIRSCAN_BINARY SOURCE_ROOT
#
# The hook as the pre-commit framework (https://pre-commit.com) runs it:
# `pre-commit try-repo SOURCE_ROOT pirscan-check` in a temporary repository,
# which reads .pre-commit-hooks.yaml at the root of pirscan's source, as a
# team's .pre-commit-config.yaml would. Checks that an overdue item blocks
# ("Failed"), that a clean commit passes, and that a missing pirscan is
# "Failed" with a message, never "Passed". Skipped (exit 77) without
# pre-commit, unless PIRSCAN_REQUIRE_PRECOMMIT=1.

set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 PIRSCAN_BINARY SOURCE_ROOT" >&2
	exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
if ! command -v pre-commit >/dev/null 2>&1; then
	echo "pre-commit is not installed (Debian: pre-commit)"
	[ "${PIRSCAN_REQUIRE_PRECOMMIT:-0}" = 1 ] && exit 1
	exit 77
fi
if [ ! -f "$src/.pre-commit-hooks.yaml" ]; then
	echo "FAIL: $src/.pre-commit-hooks.yaml is missing (pre-commit reads it only there)"
	exit 1
fi
if ! git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	echo "$src is not a git repository: pre-commit try-repo needs one"
	[ "${PIRSCAN_REQUIRE_PRECOMMIT:-0}" = 1 ] && exit 1
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pirscan-precommit-fw.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE PIRSCAN_ARGS PIRSCAN_CHECK_ALL
export HOME=$tmp/home PRE_COMMIT_HOME=$tmp/cache GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
export GIT_AUTHOR_DATE='2020-06-01T12:00:00Z' GIT_COMMITTER_DATE='2020-06-01T12:00:00Z'
export NO_COLOR=1 TZ=UTC LC_ALL=C
mkdir -p "$HOME"
# try-repo copies the source (with its uncommitted changes) into a shadow repository
git config --global --add safe.directory '*'

passed=0
failed=0
ok() {
	passed=$((passed + 1))
	echo "ok: $1"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	sed 's/^/    | /' "$tmp/out"
}
run() { # PIRSCAN value; output in $tmp/out; returns pre-commit's status
	PIRSCAN=$1 pre-commit try-repo "$src" pirscan-check >"$tmp/out" 2>&1
}

repo=$tmp/repo
git init -q "$repo" && cd "$repo" || exit 2
printf 'action_items:\n  - id: PIR-2020-01-01-001\n    title: Retry budget\n    owner: "@alice"\n    due: 2020-01-01\n    severity: critical\n' >action-items.yml
git add action-items.yml

if run "$bin"; then
	fail "an overdue critical item passed"
elif ! grep -q 'Failed' "$tmp/out" || ! grep -q 'PIR-2020-01-01-001' "$tmp/out"; then
	fail "no Failed line naming the item"
else
	ok "an overdue critical item is Failed"
fi

sed -i 's/severity: critical/severity: critical\n    status: done/' action-items.yml
git add action-items.yml
if ! run "$bin" || ! grep -q 'Passed' "$tmp/out"; then
	fail "a done item did not pass"
else
	ok "a clean index is Passed"
fi

if run "$tmp/no/pirscan"; then
	fail "a missing pirscan passed"
elif ! grep -q 'Failed' "$tmp/out" || ! grep -q 'not found' "$tmp/out"; then
	fail "a missing pirscan is not Failed with a message"
else
	ok "a missing pirscan is Failed, with a message"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
