#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# cli_words_test.sh PIRSCAN_BINARY
#
# The first word of `pirscan WORD`: a command, a repository, or a typo. A
# folder that exists is a repository even when its name is near a command
# ("chek"); a word that is no path and is near a command gets a suggestion;
# any other missing path says so. Prints "N passed, M failed" last.

set -u
case $1 in /*) bin=$1 ;; *) bin=$PWD/$1 ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

expect() { # NAME WANT_STATUS WANT_STDERR_SUBSTRING COMMAND...
	local name=$1 want=$2 text=$3 err status
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	status=$?
	if [ "$status" -eq "$want" ] && [[ $err == *"$text"* ]]; then
		pass=$((pass + 1))
		echo "ok   $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name: status $status, stderr: $err"
	fi
}

export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
git init -q "$tmp/chek"
cd "$tmp" || exit 2
expect "an existing folder named like a command is scanned" 0 "" "$bin" -q chek
expect "an existing path given as ./chek too" 0 "" "$bin" -q ./chek
mv chek repo
expect "a typo of a command gets a suggestion" 2 "unknown command 'chek'; did you mean 'check'?" "$bin" chek
expect "a missing path says so" 2 "'nowhere/repo': no such file or directory" "$bin" nowhere/repo
expect "a missing path after a command says so" 2 "'chek': no such file or directory" "$bin" check chek
expect "a folder that is no repository" 2 "is not a git repository" "$bin" /

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
