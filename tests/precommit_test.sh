#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# precommit_test.sh PIRSCAN_BINARY
#
# Tries contrib/pre-commit for real: installs it as .git/hooks/pre-commit of a
# temporary repository (PIRSCAN points it at the binary under test) and runs
# `git commit` through it. Due dates are in 2020, so today's date does not
# matter. Prints "N passed, M failed" last; exits 1 on any failure.

set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 PIRSCAN_BINARY" >&2
	exit 2
fi
case $1 in
/*) bin=$1 ;;
*) bin=$PWD/$1 ;;
esac
if [ ! -x "$bin" ]; then
	echo "$0: $bin is not an executable" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
hook=$here/../contrib/pre-commit
if [ ! -f "$hook" ]; then
	echo "$0: $hook is missing" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pirscan-precommit.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# A clean, reproducible git: no user or system configuration, fixed identity
# and dates, nothing inherited from a git that might be running us.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
	GIT_COMMON_DIR GIT_NAMESPACE GIT_PREFIX PIRSCAN_ARGS
export HOME=$tmp/home GIT_CONFIG_NOSYSTEM=1 GIT_CEILING_DIRECTORIES=$tmp
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
export GIT_AUTHOR_DATE='2020-06-01T12:00:00Z' GIT_COMMITTER_DATE='2020-06-01T12:00:00Z'
export NO_COLOR=1 TZ=UTC LC_ALL=C
export PIRSCAN=$bin
mkdir -p "$HOME"

passed=0
failed=0
ok() {
	passed=$((passed + 1))
	echo "ok: $1"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	if [ -f "$tmp/out" ]; then
		sed 's/^/    | /' "$tmp/out"
	fi
}

repo=$tmp/repo
git init -q -b main "$repo" 2>/dev/null || git init -q "$repo" || exit 2
cd "$repo" || exit 2
cp "$hook" .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit || exit 2

# try NAME: git commit with a message, output in $tmp/out; returns git's status
try() {
	git commit -q -m "$1" >"$tmp/out" 2>&1
}
head_commit() {
	git rev-parse -q --verify HEAD 2>/dev/null
}
has() {
	grep -q -- "$1" "$tmp/out"
}

overdue_items='action_items:
  - id: PIR-2020-01-01-001
    title: Add a retry budget to the payments client
    owner: "@alice"
    due: 2020-01-01
    severity: critical
    linked_incident: INC-1
'
done_items='action_items:
  - id: PIR-2020-01-01-001
    title: Add a retry budget to the payments client
    owner: "@alice"
    due: 2020-01-01
    severity: critical
    linked_incident: INC-1
    status: done
'
second_item='  - id: PIR-2020-02-01-001
    title: Alert on the retry budget
    owner: "@bob"
    due: 2020-02-01
    severity: critical
'
high_item='  - id: PIR-2020-03-01-001
    title: Document the retry budget
    owner: "@carol"
    due: 2020-03-01
    severity: high
'

# (a) the first commit carries an overdue critical item and its marker: blocked
mkdir -p src
printf '%s' "$overdue_items" >action-items.yml
printf 'int main(void)\n{\n\t// TODO PIR-2020-01-01-001: retry budget\n\treturn 0;\n}\n' >src/main.c
git add action-items.yml src/main.c
if try "a: overdue"; then
	fail "(a) a commit with an overdue critical item was allowed"
elif head_commit >/dev/null; then
	fail "(a) git commit failed but a commit exists"
elif ! has "PIR-2020-01-01-001"; then
	fail "(a) the failing item is not named in the hook's output"
elif ! has "commit blocked by overdue action items"; then
	fail "(a) no hint on how to proceed"
else
	ok "(a) an overdue critical item blocks the first commit"
fi

# (b) fixed in the index only (status: done, marker gone) while the working
# tree still has the overdue version: the commit goes through, as staged
git update-index --add --cacheinfo "100644,$(printf '%s' "$done_items" | git hash-object -w --stdin),action-items.yml"
git update-index --add --cacheinfo \
	"100644,$(printf 'int main(void)\n{\n\treturn 0;\n}\n' | git hash-object -w --stdin),src/main.c"
if ! grep -q 'due: 2020-01-01' action-items.yml || grep -q 'status: done' action-items.yml; then
	fail "(b) setup: the working tree should still hold the overdue item"
elif ! try "b: fixed in the index"; then
	fail "(b) the commit of the fixed index was blocked"
elif ! head_commit >/dev/null; then
	fail "(b) git commit succeeded but there is no commit"
elif ! git show HEAD:action-items.yml | grep -q 'status: done' ||
	git show HEAD:src/main.c | grep -q 'TODO PIR'; then
	fail "(b) the commit does not hold the fixed index"
else
	ok "(b) fixing the index lets the commit through, whatever the working tree says"
fi
git checkout -q -- . # the working tree as committed
before=$(head_commit)

# (c) a new overdue critical item staged, then removed from the working tree
# only: the index is what gets committed, so the hook blocks
printf '%s%s' "$done_items" "$second_item" >action-items.yml
git add action-items.yml
git show HEAD:action-items.yml >action-items.yml
if git diff --quiet; then
	fail "(c) setup: the working tree should differ from the index"
elif try "c: overdue only in the index"; then
	fail "(c) an overdue item staged (but not in the working tree) was allowed"
elif [ "$(head_commit)" != "$before" ]; then
	fail "(c) git commit failed but HEAD moved"
elif ! has "PIR-2020-02-01-001"; then
	fail "(c) the staged item is not named in the hook's output"
else
	ok "(c) an overdue item in the index blocks the commit, though the working tree is clean of it"
fi
git reset -q # the index back to HEAD; the working tree already is

# (d) an overdue item in the working tree only, an unrelated change staged:
# allowed, and the item stays out of the commit
printf '%s%s' "$done_items" "$second_item" >action-items.yml
printf 'retry budgets\n' >README
git add README
if ! try "d: overdue only in the working tree"; then
	fail "(d) an overdue item that is not staged blocked the commit"
elif [ "$(head_commit)" = "$before" ]; then
	fail "(d) git commit succeeded but HEAD did not move"
elif git show HEAD:action-items.yml | grep -q 'PIR-2020-02-01-001'; then
	fail "(d) the unstaged item was committed"
else
	ok "(d) an overdue item only in the working tree does not block the commit"
fi
before=$(head_commit)

# (f) `git commit -a` commits the working tree: the hook sees it (through
# GIT_INDEX_FILE) and blocks
if git commit -q -a -m "f: commit -a" >"$tmp/out" 2>&1; then
	fail "(f) git commit -a with an overdue item in the working tree was allowed"
elif [ "$(head_commit)" != "$before" ]; then
	fail "(f) git commit -a failed but HEAD moved"
elif ! has "PIR-2020-02-01-001"; then
	fail "(f) the item is not named in the hook's output"
else
	ok "(f) git commit -a is checked as it would be committed"
fi

# (g) PIRSCAN_ARGS reaches pirscan: an overdue high item passes by default
# (a warning) and fails with --fail-on high
printf '%s%s' "$done_items" "$high_item" >action-items.yml
git add action-items.yml
if ! try "g: high item, default policy"; then
	fail "(g) an overdue high item blocked the commit under the default policy"
else
	ok "(g) an overdue high item is only a warning by default"
fi
before=$(head_commit)

# (g2) the commit changes that item: with --fail-on high it now blocks
printf '%s%s' "$done_items" "$high_item" | sed 's/Document the retry budget/Document the retry budget and its alert/' >action-items.yml
git add action-items.yml
if PIRSCAN_ARGS="--fail-on high --grace 7" try "g: high item changed, --fail-on high"; then
	fail "(g) PIRSCAN_ARGS='--fail-on high' did not block a changed overdue high item"
elif [ "$(head_commit)" != "$before" ]; then
	fail "(g) git commit failed but HEAD moved"
elif ! has "fails at high and above, grace 7 days"; then
	fail "(g) the policy from PIRSCAN_ARGS is not in the report"
else
	ok "(g) PIRSCAN_ARGS sets the policy"
fi
git checkout -q HEAD -- action-items.yml

# (i) old debt: the failing item is already in HEAD and this commit does not
# touch it: allowed, and the item is still shown as a warning
printf 'more retry budgets\n' >>README
git add README
if ! PIRSCAN_ARGS="--fail-on high" try "i: unrelated change, old failing item"; then
	fail "(i) an item the commit does not touch blocked it"
elif [ "$(head_commit)" = "$before" ]; then
	fail "(i) git commit succeeded but HEAD did not move"
elif ! has "PIR-2020-03-01-001"; then
	fail "(i) the old failing item is not shown as a warning"
else
	ok "(i) old debt does not block a commit that does not touch it"
fi
before=$(head_commit)

# (j) PIRSCAN_CHECK_ALL=1: every failing item blocks, touched or not
printf 'still more retry budgets\n' >>README
git add README
if PIRSCAN_CHECK_ALL=1 PIRSCAN_ARGS="--fail-on high" try "j: check all"; then
	fail "(j) PIRSCAN_CHECK_ALL=1 let an old failing item through"
elif [ "$(head_commit)" != "$before" ]; then
	fail "(j) git commit failed but HEAD moved"
elif ! has "PIR-2020-03-01-001"; then
	fail "(j) the failing item is not named"
else
	ok "(j) PIRSCAN_CHECK_ALL=1 blocks on every failing item"
fi

# (h) pirscan cannot run (a bad option): blocked, and said so
if PIRSCAN_ARGS="--fail-on no-such-severity" try "h: pirscan fails"; then
	fail "(h) the commit went through though pirscan failed to run"
elif [ "$(head_commit)" != "$before" ]; then
	fail "(h) git commit failed but HEAD moved"
elif ! has "failed to run"; then
	fail "(h) the hook does not say that pirscan failed to run"
else
	ok "(h) a pirscan failure blocks the commit and says so"
fi

# (e) pirscan is not installed: blocked, with a message saying so (a check
# that cannot run cannot vouch for the commit)
printf '%s%s' "$done_items" "$second_item" >action-items.yml
git add action-items.yml
if PIRSCAN=$tmp/no/such/pirscan try "e: no pirscan"; then
	fail "(e) the commit went through though pirscan is not installed"
elif [ "$(head_commit)" != "$before" ]; then
	fail "(e) git commit failed but HEAD moved"
elif ! has "not found" || ! has "no/such/pirscan" || ! has "no-verify"; then
	fail "(e) no clear message about the missing pirscan"
else
	ok "(e) without pirscan the commit is blocked, saying why"
fi
git reset -q

# the temporary commits never become a branch, a tag or part of HEAD's history
if git log --format=%s HEAD | grep -q 'pirscan pre-commit check' ||
	git for-each-ref --format='%(refname)' | grep -qv '^refs/heads/main$'; then
	{
		echo "history:"
		git log --oneline HEAD
		echo "refs:"
		git for-each-ref --format='%(refname)'
	} >"$tmp/out"
	fail "temporary commits leaked into the history or the refs"
else
	ok "the temporary commits stay unreferenced"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
