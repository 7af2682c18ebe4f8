#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The history cache never changes an answer. A repository is scanned with the cache at an
older commit, then at a later one: every output (json, table, check, report; standard
error and exit status too) is byte for byte that of --no-cache, and the history row says
how many commits the second run compared (the new ones only, when the record could be
used). On the fixtures (each first-parent ancestor, then HEAD) and on a generated
repository: a fast-forward, a merge of a side branch based on an old commit, a file whose
content moves to an action-items path, and a history rewrite (read whole). A history row
that is damaged, or that passes its checksum but is not a history record, is a warning,
dropped and rebuilt, and the answer is the same.

Usage: tests/incremental_test.py PIRSCAN FIXTURES
"""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

FIXTURES = ['svc', 'postmortems', 'demo', 'markers', 'lineage', 'invalid', 'pmdocs']
RUNS = [
    ['scan', '--all', '--format', 'json'],
    ['scan', '--stale'],
    ['check', '--format', 'sarif'],
    ['report', '--format', 'md'],
    ['incidents', '--format', 'json'],
]
AS_OF = ['--as-of', '2027-01-15']
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    failures += not cond


def run(pirscan, args, env):
    p = subprocess.run([pirscan] + args, capture_output=True, env=env)
    return p.returncode, p.stdout, p.stderr


def git(repo, *args, env=None):
    return subprocess.run(['git', '-C', repo] + list(args), check=True, capture_output=True,
                          env=env).stdout.decode().strip()


def history_row(cache):
    """(commits, compared) of the history row stored last, None without one."""
    con = sqlite3.connect(os.path.join(cache, 'cache.sqlite'))
    rows = con.execute("select tips from results where repo like 'history %'"
                       " order by rowid desc limit 1").fetchall()
    con.close()
    if len(rows) != 1:
        return None
    m = re.match(r'history of (\d+) commits, (\d+) compared', rows[0][0])
    return (int(m.group(1)), int(m.group(2))) if m else None


def answer(out):
    doc = json.loads(out)
    doc['diagnostics'] = [d for d in doc['diagnostics'] if not d['code'].startswith('cache-')]
    return doc


def moved_on(pirscan, env, tmp, repo, old, name, expect_incremental=True):
    """Scan `repo` at `old` with a cache, then at HEAD: every run equals --no-cache."""
    base = os.path.join(tmp, 'base')
    shutil.rmtree(base, ignore_errors=True)
    first = run(pirscan, RUNS[0] + AS_OF + ['--cache', base, '--ref', old, repo], env)
    check(first == run(pirscan, RUNS[0] + AS_OF + ['--no-cache', '--ref', old, repo], env),
          '%s: the scan at the older commit is the fresh one' % name)
    total = int(git(repo, 'rev-list', '--count', 'HEAD'))
    before = int(git(repo, 'rev-list', '--count', old))
    for args in RUNS:
        cache = os.path.join(tmp, 'c')
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(base, cache)
        fresh = run(pirscan, args + AS_OF + ['--no-cache', repo], env)
        cached = run(pirscan, args + AS_OF + ['--cache', cache, repo], env)
        check(cached == fresh, '%s: %s at HEAD from the older record is the fresh one'
              % (name, ' '.join(args)))
        row = history_row(cache)
        if expect_incremental:
            check(row == (total, total - before),
                  '%s: only the %d new commits compared (%r)' % (name, total - before, row))
        elif expect_incremental is False:
            check(row == (total, total), '%s: read whole (%r)' % (name, row))
        else:
            check(row and row[0] == total, '%s: a history row (%r)' % (name, row))
    return base


def fixtures_runs(pirscan, env, tmp, fixtures):
    for name in FIXTURES:
        repo = os.path.join(fixtures, name)
        if not os.path.isdir(repo):
            continue
        chain = git(repo, 'rev-list', '--first-parent', 'HEAD').split()[1:]
        for old in chain[:4] + chain[-1:]:
            moved_on(pirscan, env, tmp, repo, old, '%s at %s' % (name, old[:7]))


def commit(repo, env, msg, files, date):
    for path, text in files.items():
        full = os.path.join(repo, path)
        if text is None:
            git(repo, 'rm', '-q', path)
            continue
        os.makedirs(os.path.dirname(full) or repo, exist_ok=True)
        with open(full, 'w') as f:
            f.write(text)
        git(repo, 'add', path)
    e = dict(env, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    git(repo, 'commit', '-q', '-m', msg, env=e)
    return git(repo, 'rev-parse', 'HEAD')


def items(n, closed=()):
    out = 'action_items:\n'
    for i in range(n):
        out += ('  - id: PIR-2026-01-01-%03d\n    title: item %d\n    owner: "@team-a"\n'
                '    due: "2026-0%d-01"\n    severity: high\n%s'
                % (i, i, 1 + i % 9, '    status: closed\n' if i in closed else ''))
    return out


def generated(pirscan, env, tmp):
    repo = os.path.join(tmp, 'gen')
    os.makedirs(repo)
    git(repo, 'init', '-q', '-b', 'main')
    git(repo, 'config', 'user.name', 'Gen')
    git(repo, 'config', 'user.email', 'gen@example.com')
    c = []
    c.append(commit(repo, env, 'root', {'a.c': '// TODO PIR-2026-01-01-000: first\n',
                                        'docs/action-items.yml': items(2),
                                        'pic.bin': 'bin\0ary\n', 'notes.txt': items(3)},
                    '2026-01-01T10:00:00Z'))
    for k in range(1, 8):
        c.append(commit(repo, env, 'step %d' % k, {
            'src/m%d.py' % k: '# TODO PIR-2026-01-01-%03d: step %d\n' % (k % 3, k),
            'docs/action-items.yml': items(2 + k, closed=range(0, k, 3)),
            'a.c': '// TODO PIR-2026-01-01-000: first\n// line %d\n' % k,
        }, '2026-01-%02dT10:00:00Z' % (k + 1)))
    old = c[3]
    moved_on(pirscan, env, tmp, repo, old, 'generated fast-forward')
    # a side branch from an old commit, merged
    git(repo, 'checkout', '-q', '-b', 'side', c[1])
    commit(repo, env, 'side work', {'side.txt': 'TODO PIR-2026-01-01-001: on the side\n',
                                    'src/m1.py': None}, '2026-01-20T10:00:00Z')
    git(repo, 'checkout', '-q', 'main')
    tip = git(repo, 'rev-parse', 'HEAD')
    e = dict(env, GIT_AUTHOR_DATE='2026-01-21T10:00:00Z', GIT_COMMITTER_DATE='2026-01-21T10:00:00Z')
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side', env=e)
    moved_on(pirscan, env, tmp, repo, tip, 'generated merge of an old side branch')
    # old blobs shown at an action-items path: what is read of them changes
    base = git(repo, 'rev-parse', 'HEAD')
    marked = open(os.path.join(repo, 'a.c')).read()
    commit(repo, env, 'copy', {'more/action-items.yml': marked}, '2026-01-22T10:00:00Z')
    moved_on(pirscan, env, tmp, repo, base, 'generated marked blob at an action-items path',
             expect_incremental=None)
    base = git(repo, 'rev-parse', 'HEAD')
    commit(repo, env, 'copy', {'other/action-items.yaml': items(3)}, '2026-01-23T10:00:00Z')
    moved_on(pirscan, env, tmp, repo, base, 'generated unkeyed blob now keyed',
             expect_incremental=False)
    # a rewritten history: the record's commits are no longer reached, read whole
    head = git(repo, 'rev-parse', 'HEAD')
    cache = os.path.join(tmp, 'rw')
    run(pirscan, RUNS[0] + AS_OF + ['--cache', cache, repo], env)
    git(repo, 'reset', '-q', '--hard', c[4])
    commit(repo, env, 'rewritten', {'src/new.py': '# TODO PIR-2026-01-01-002: new\n'},
           '2026-01-25T10:00:00Z')
    for args in RUNS:
        shutil.rmtree(cache + '2', ignore_errors=True)
        shutil.copytree(cache, cache + '2')
        fresh = run(pirscan, args + AS_OF + ['--no-cache', repo], env)
        check(run(pirscan, args + AS_OF + ['--cache', cache + '2', repo], env) == fresh,
              'rewritten history: %s is the fresh one' % ' '.join(args))
    total = int(git(repo, 'rev-list', '--count', 'HEAD'))
    check(history_row(cache + '2') == (total, total),
          'rewritten history: read whole (%r)' % (history_row(cache + '2'),))
    git(repo, 'reset', '-q', '--hard', head)
    return repo


def damaged(pirscan, env, tmp, repo):
    old = git(repo, 'rev-parse', 'HEAD~2')
    fresh = run(pirscan, RUNS[0] + AS_OF + ['--no-cache', repo], env)
    for what, sql in (
            ('a damaged history row', "update results set payload = x'00' || payload"
             " where repo like 'history %'"),
            ('a history row cut short', "update results set payload = substr(payload, 1, 40),"
             " length = 40 where repo like 'history %'"),
            ('a foreign history row that passes its checksum', None)):
        cache = os.path.join(tmp, 'dmg')
        shutil.rmtree(cache, ignore_errors=True)
        run(pirscan, RUNS[0] + AS_OF + ['--cache', cache, '--ref', old, repo], env)
        con = sqlite3.connect(os.path.join(cache, 'cache.sqlite'))
        if sql:
            con.execute(sql)
        else:
            # this version's header, then no compressed body
            junk = b'PIRHIST\0\2\0\0\0' + b'\x40\0\0\0\0\0\0\0' + b'\xff' * 64
            con.execute("update results set payload = ?, length = ?, sha256 = ?"
                        " where repo like 'history %'",
                        (junk, len(junk), hashlib.sha256(junk).hexdigest()))
        con.commit()
        con.close()
        got = run(pirscan, RUNS[0] + AS_OF + ['--cache', cache, repo], env)
        check(got[0] == fresh[0] and answer(got[1]) == answer(fresh[1]),
              '%s: not trusted, the answer is the same' % what)
        check(b'cache' in got[2] and b'warning' in got[2],
              '%s: a warning (%r)' % (what, got[2][-200:]))
        total = int(git(repo, 'rev-list', '--count', 'HEAD'))
        check(history_row(cache) == (total, total), '%s: rebuilt from a whole read (%r)'
              % (what, history_row(cache)))


def alternating(pirscan, env, tmp):
    """Two branches scanned in turn with one cache, each moving on: each finds its own
    record (only its new commit compared), and a branch scanned the first time starts
    from the record stored last, when that record's commits are all in its history."""
    repo = os.path.join(tmp, 'alt')
    os.makedirs(repo)
    git(repo, 'init', '-q', '-b', 'main')
    git(repo, 'config', 'user.name', 'Gen')
    git(repo, 'config', 'user.email', 'gen@example.com')
    day = [1]

    def step(branch, path, text):
        if git(repo, 'symbolic-ref', '--short', 'HEAD') != branch:
            git(repo, 'checkout', '-q', branch)
        day[0] += 1
        return commit(repo, env, '%s %d' % (branch, day[0]), {path: text,
                      'action-items.yml': items(2 + day[0] % 3, closed=[day[0] % 2])},
                      '2026-02-%02dT10:00:00Z' % day[0])

    step('main', 'a.c', '// TODO PIR-2026-01-01-000: first\n')
    step('main', 'b.c', '// TODO PIR-2026-01-01-001: second\n')
    git(repo, 'branch', 'rel')
    step('main', 'c.c', '// TODO PIR-2026-01-01-002: on main\n')
    step('rel', 'r.c', '// TODO PIR-2026-01-01-001: on rel\n')
    cache = os.path.join(tmp, 'altc')
    shutil.rmtree(cache, ignore_errors=True)

    def scan(branch, what, expect):
        ref = 'refs/heads/' + branch
        fresh = run(pirscan, RUNS[0] + AS_OF + ['--no-cache', '--ref', ref, repo], env)
        got = run(pirscan, RUNS[0] + AS_OF + ['--cache', cache, '--ref', ref, repo], env)
        check(got == fresh, 'refs in turn: %s is the fresh one' % what)
        total = int(git(repo, 'rev-list', '--count', ref))
        row = history_row(cache)
        check(row == (total, expect if expect is not None else total),
              'refs in turn: %s compared %s (%r)' % (what, expect or 'all', row))

    scan('main', 'main, first', None)
    scan('rel', 'rel, first: main\'s record is not all in its history', None)
    step('main', 'd.c', '// TODO PIR-2026-01-01-003: later\n')
    scan('main', 'main moved on', 1)
    step('rel', 'r.c', None)
    scan('rel', 'rel moved on', 1)
    step('main', 'a.c', None)
    scan('main', 'main moved on again', 1)
    git(repo, 'branch', 'feature', 'main')
    step('feature', 'f.c', '// TODO PIR-2026-01-01-004: a feature\n')
    scan('feature', 'a new branch from the latest record', 1)


def linked(pirscan, env, tmp):
    """A keyed blob that is also a symlink's target, across merges: the new merges'
    other parents are then compared over their trees, not over projections (a file
    that becomes a symlink with the same id is no change to git's comparison)."""
    repo = os.path.join(tmp, 'linked')
    os.makedirs(repo)
    git(repo, 'init', '-q', '-b', 'main')
    git(repo, 'config', 'user.name', 'Gen')
    git(repo, 'config', 'user.email', 'gen@example.com')
    text = 'TODO PIR-2026-01-01-000: linked'
    root = commit(repo, env, 'root', {'a.c': '// TODO PIR-2026-01-01-001: first\n'},
                  '2026-01-01T10:00:00Z')
    old = commit(repo, env, 'file', {'x.txt': text, 'b.c': '// TODO PIR-2026-01-01-002\n'},
                 '2026-01-02T10:00:00Z')
    git(repo, 'checkout', '-q', '-b', 'side', root)
    os.symlink(text, os.path.join(repo, 'x.txt'))
    git(repo, 'add', 'x.txt')
    side = commit(repo, env, 'link', {'c.c': '// TODO PIR-2026-01-01-003: side\n'},
                  '2026-01-03T10:00:00Z')
    git(repo, 'checkout', '-q', 'main')
    e = dict(env, GIT_AUTHOR_DATE='2026-01-04T10:00:00Z', GIT_COMMITTER_DATE='2026-01-04T10:00:00Z')
    # the side's tree (x.txt a symlink), merged into main, whose x.txt is the file
    merge = git(repo, 'commit-tree', side + '^{tree}', '-p', old, '-p', side, '-m', 'merge',
                env=e)
    git(repo, 'reset', '-q', '--hard', merge)
    commit(repo, env, 'after', {'a.c': None, 'd.c': '// TODO PIR-2026-01-01-001: moved\n'},
           '2026-01-05T10:00:00Z')
    moved_on(pirscan, env, tmp, repo, old, 'keyed blob and symlink target, merged')
    moved_on(pirscan, env, tmp, repo, root, 'keyed blob and symlink target, from the root')


def main(argv):
    pirscan, fixtures = argv[1], argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp, XDG_CACHE_HOME=os.path.join(tmp, 'xdg'), TZ='UTC',
                   LC_ALL='C', NO_COLOR='1', PIRSCAN_CONFIG_USER='', PIRSCAN_CONFIG_SYSTEM='',
                   GIT_CONFIG_NOSYSTEM='1', GIT_CONFIG_GLOBAL='/dev/null')
        fixtures_runs(pirscan, env, tmp, fixtures)
        repo = generated(pirscan, env, tmp)
        damaged(pirscan, env, tmp, repo)
        alternating(pirscan, env, tmp)
        linked(pirscan, env, tmp)
    print('%d failure(s)' % failures)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
