#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The cache never changes an answer: every output of a run that fills the cache, and of a
run that reads it back, is byte for byte that of a run with --no-cache (json, table,
check formats, report), standard error and exit status included; the second run reads
every repository from the cache; a corrupt or foreign cache file is a warning
(cache-rebuilt), is rebuilt, and the answer stays the same; the as-of date and the
stale limits are applied after the cache.

Usage: tests/cache_test.py PIRSCAN FIXTURES
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

REPOS = ['svc', 'postmortems', 'demo', 'markers', 'titles', 'invalid', 'configured', 'wide',
         'lineage', 'pmdocs']
RUNS = [
    ['scan', '--all', '--format', 'json'],
    ['scan', '--stale'],
    ['check', '--format', 'sarif'],
    ['check'],
    ['report', '--format', 'md'],
    ['incidents', '--format', 'json'],
    ['report', '--group-by', 'incident'],
]
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    failures += not cond


def run(pirscan, args, env):
    p = subprocess.run([pirscan] + args, capture_output=True, env=env)
    return p.returncode, p.stdout, p.stderr


def answer(out):
    """The JSON document without the cache's own warnings."""
    doc = json.loads(out)
    doc['diagnostics'] = [d for d in doc['diagnostics'] if not d['code'].startswith('cache-')]
    return doc


def main(argv):
    pirscan, fixtures = argv[1], argv[2]
    repos = [os.path.join(fixtures, r) for r in REPOS if os.path.isdir(os.path.join(fixtures, r))]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp, XDG_CACHE_HOME=os.path.join(tmp, 'xdg'), TZ='UTC',
                   LC_ALL='C', NO_COLOR='1', PIRSCAN_CONFIG_USER='', PIRSCAN_CONFIG_SYSTEM='')
        cache = os.path.join(tmp, 'cache')
        db = os.path.join(cache, 'cache.sqlite')
        for args in RUNS:
            for as_of in ('2026-11-22', '2027-06-01'):
                common = args + ['--as-of', as_of]
                fresh = run(pirscan, common + ['--no-cache'] + repos, env)
                first = run(pirscan, common + ['--cache', cache] + repos, env)
                again = run(pirscan, common + ['--cache', cache] + repos, env)
                name = ' '.join(common)
                check(first == fresh, '%s: the run that fills the cache is the fresh one' % name)
                check(again == fresh, '%s: the run from the cache is the fresh one' % name)
        rows = sqlite3.connect(db).execute('select count(*) from results').fetchone()[0]
        check(rows >= len(repos), 'a row per repository (%d)' % rows)
        # severity_from_incident is applied after the cache: the rows filled without it serve
        # a run with it (no new row), and the answer is the fresh one
        pm = [os.path.join(fixtures, 'pmdocs')]
        sev = ['check', '--fail-on', 'critical', '--as-of', '2026-07-02', '--config',
               os.path.join(fixtures, 'pmdocs-severity.yml')]
        run(pirscan, ['check', '--as-of', '2026-07-02', '--config', os.devnull, '--cache',
                      cache] + pm, env)
        before = sqlite3.connect(db).execute('select count(*) from results').fetchone()[0]
        fresh = run(pirscan, sev + ['--no-cache'] + pm, env)
        cached = run(pirscan, sev + ['--cache', cache] + pm, env)
        after = sqlite3.connect(db).execute('select count(*) from results').fetchone()[0]
        check(cached == fresh and fresh[0] == 1 and b'critical' in fresh[1],
              'severity_from_incident from the cache: the fresh answer (exit %d)' % fresh[0])
        check(before == after, 'severity_from_incident needs no new scan (%d rows, then %d)'
              % (before, after))
        # what the second run took from the cache: a marker of the payload it did not read
        con = sqlite3.connect(db)
        con.execute("update results set payload = 'x' || payload")
        con.commit()
        con.close()
        fresh = run(pirscan, RUNS[0] + ['--no-cache'] + repos, env)
        tampered = run(pirscan, RUNS[0] + ['--cache', cache] + repos, env)
        check(answer(tampered[1]) == answer(fresh[1]),
              'a tampered row is not trusted: the answer is the same')
        check(b'cache' in tampered[2], 'a tampered row is a warning: %r' % tampered[2][-300:])
        for garbage in (b'not a database at all\n' * 100, b'SQLite format 3\0' + b'\0' * 200):
            for f in os.listdir(cache):
                os.unlink(os.path.join(cache, f))
            with open(db, 'wb') as f:
                f.write(garbage)
            out = run(pirscan, RUNS[0] + ['--cache', cache] + repos, env)
            check(answer(out[1]) == answer(fresh[1]) and b'cache-rebuilt' in out[2],
                  'a corrupt cache file is rebuilt with a warning, the answer the same')
            again = run(pirscan, RUNS[0] + ['--cache', cache] + repos, env)
            check(again == fresh, 'the rebuilt cache serves the same answer')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
