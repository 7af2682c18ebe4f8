#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch the OASIS SARIF 2.1.0 JSON Schema for the tests, with the npm client:
# the package @microsoft/jest-sarif ships it. The version is pinned and the
# file's SHA-256 checked, so the tests validate against exactly this schema.
# It is not committed: tests/schemas/sarif-schema-2.1.0.json is ignored by git.
#
# Usage: tests/schemas/fetch-sarif-schema.sh   (exit 0 when the file is there)
set -euo pipefail
cd "$(dirname "$0")"

dest=sarif-schema-2.1.0.json
pkg=@microsoft/jest-sarif@1.0.0-beta.0
member=package/lib/schemas/sarif-2.1.0-rtm.5.json
sha=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8

if [ -f "$dest" ] && echo "$sha  $dest" | sha256sum -c --status; then
	exit 0
fi
command -v npm >/dev/null || { echo "fetch-sarif-schema: npm is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" "$member"
echo "$sha  $tmp/$member" | sha256sum -c --status ||
	{ echo "fetch-sarif-schema: checksum mismatch for $pkg" >&2; exit 1; }
cp "$tmp/$member" "$dest"
