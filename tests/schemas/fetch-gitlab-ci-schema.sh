#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch GitLab's CI/CD configuration schema (ci.json, the JSON Schema GitLab's own
# pipeline editor validates .gitlab-ci.yml with) for tests/lint_gitlab_ci.py, with
# the npm client: gitlab-ci-local ships it as src/schema/schema.js, a module that
# exports the schema object (its scripts fetch it from GitLab's repository; later
# versions bundle it). node turns the module into JSON. The package version is
# pinned, and the SHA-256 of the package and of the JSON are checked, so the test
# validates against exactly this schema. Not committed: tests/schemas/gitlab-ci.schema.json
# is ignored by git.
#
# Usage: tests/schemas/fetch-gitlab-ci-schema.sh   (exit 0 when the file is there)
set -euo pipefail
cd "$(dirname "$0")"

dest=gitlab-ci.schema.json
pkg=gitlab-ci-local@4.64.1
pkg_sha=6443d9d17c93580b51616ddd93ecaaa8edafcce0deee96e404c583a2694794b8
member=package/src/schema/schema.js
sha=7844dc07349bd29439e1775aa49ff841f200a5a567e4be0130c39b7252f963ed

if [ -f "$dest" ] && echo "$sha  $dest" | sha256sum -c --status; then
	exit 0
fi
for tool in npm node; do
	command -v "$tool" >/dev/null || { echo "fetch-gitlab-ci-schema: $tool is not installed" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
echo "$pkg_sha  $(ls "$tmp"/*.tgz)" | sha256sum -c --status ||
	{ echo "fetch-gitlab-ci-schema: checksum mismatch for $pkg" >&2; exit 1; }
tar -xzf "$tmp"/*.tgz -C "$tmp" package/package.json "$member"
# The schema is a plain object literal; importing the module evaluates only that.
node --input-type=module -e '
import fs from "fs";
import { pathToFileURL } from "url";
const { schema } = await import(pathToFileURL(process.argv[1]).href);
fs.writeFileSync(process.argv[2], JSON.stringify(schema, null, 1) + "\n");
' "$tmp/$member" "$tmp/schema.json"
echo "$sha  $tmp/schema.json" | sha256sum -c --status ||
	{ echo "fetch-gitlab-ci-schema: the schema from $pkg is not the one expected" >&2; exit 1; }
cp "$tmp/schema.json" "$dest"
