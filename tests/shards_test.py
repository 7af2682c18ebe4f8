#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shards read together are one run: the fixtures split into shards, each scanned with
--format json, then scan, check and report --from-json over the shards' files must give
byte for byte what one run over every fixture gives (json, table, csv, check formats,
report text), standard error and exit status included.

Usage: tests/shards_test.py PIRSCAN FIXTURES
"""
import os
import subprocess
import sys
import tempfile

REPOS = ['svc', 'postmortems', 'demo', 'markers', 'titles', 'invalid', 'configured', 'wide',
         'pmdocs']
SHARDS = [REPOS[:1], REPOS[1:4], REPOS[4:]]
COMMON = ['--as-of', '2026-11-22', '--no-config']
# issue 12: the incidents (postmortem documents are in the results), severity_from_incident
SEVERITY = ['--config', 'pmdocs-severity.yml']
RUNS = [
    ['scan', '--all', '--format', 'json'],
    ['scan', '--format', 'json'],
    ['scan'],
    ['scan', '--all'],
    ['scan', '--stale'],
    ['scan', '--format', 'csv'],
    ['scan', '--team', 'unassigned'],
    ['check'],
    ['check', '--format', 'json'],
    ['check', '--format', 'sarif'],
    ['check', '--format', 'junit'],
    ['report'],
    ['report', '--format', 'md'],
    ['incidents'],
    ['incidents', '--format', 'json'],
    ['incidents', '--format', 'csv', '--incident', 'INC-2891'],
    ['report', '--group-by', 'incident'],
    ['report', '--group-by', 'incident', '--format', 'html'],
    ['check', '--fail-on', 'critical'] + SEVERITY,
    ['scan', '--format', 'json'] + SEVERITY,
]


def run(pirscan, args):
    p = subprocess.run([pirscan] + args, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def main(argv):
    pirscan, fixtures = argv[1], argv[2]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for k, shard in enumerate(SHARDS):
            path = os.path.join(tmp, f'shard-{k}.json')
            status, out, err = run(pirscan, ['scan', '--all', '--format', 'json'] + COMMON +
                                   [os.path.join(fixtures, r) for r in shard])
            if status not in (0, 1):
                print(f'FAIL shard {k}: exit {status}: {err.decode()}')
                return 1
            with open(path, 'wb') as f:
                f.write(out)
            files.append(path)
        for args in RUNS:
            common = [a for a in COMMON if '--config' not in args or a != '--no-config']
            args = [os.path.join(fixtures, a) if a.endswith('.yml') else a for a in args]
            one = run(pirscan, args + common + [os.path.join(fixtures, r) for r in REPOS])
            merged = run(pirscan, args + common + ['--from-json'] + files)
            name = ' '.join(args)
            for what, a, b in zip(('exit status', 'stdout', 'stderr'), one, merged):
                if a != b:
                    print(f'FAIL {name}: {what} differs')
                    failures += 1
                    break
            else:
                print(f'ok   {name}')
        # a file that cannot be read: an error naming it, the others go on, exit 2
        bad = os.path.join(tmp, 'bad.json')
        with open(bad, 'w') as f:
            f.write('{"pirscan": "x", "results": [1]}\n')
        status, out, err = run(pirscan, ['scan'] + COMMON + ['--from-json', bad] + files)
        # named once: the path added to the reader's own message, not to itself
        if (status != 2 or b'results-error' not in err or err.count(bad.encode()) != 1 or
                not out):
            print(f'FAIL unreadable shard: exit {status}: {err.decode()}')
            failures += 1
        else:
            print('ok   unreadable shard')
        # a shard scanned with other extraction options: refused by name, the others go on
        other = os.path.join(tmp, 'other.json')
        status, out, err = run(pirscan, ['scan', '--all', '--format', 'json', '--marker', 'TODO'] +
                               COMMON + [os.path.join(fixtures, SHARDS[-1][0])])
        with open(other, 'wb') as f:
            f.write(out)
        status, out, err = run(pirscan, ['scan'] + COMMON + ['--from-json'] + files[:-1] + [other])
        status2, _, err2 = run(pirscan, ['check'] + COMMON + ['--from-json'] + files[:-1] + [other])
        if (status != 2 or status2 != 2 or b'results-error' not in err or
                b'other options' not in err or err.count(other.encode()) != 1 or not out or
                b'other options' not in err2):
            print(f'FAIL shard with other options: exit {status}/{status2}: {err.decode()}')
            failures += 1
        else:
            print('ok   shard with other options')
        # the same repository in two shards: a note, read once
        status, out, err = run(pirscan, ['scan', '--all', '--format', 'json'] + COMMON +
                               ['--from-json', files[0], files[0]])
        one = run(pirscan, ['scan', '--all', '--format', 'json'] + COMMON + ['--from-json', files[0]])
        if (b'same-repository' not in err or out.count(b'"format": 2') != 1 or
                one[1].count(b'"format": 2') != 1):
            print(f'FAIL same repository twice: {err.decode()}')
            failures += 1
        else:
            print('ok   same repository twice')
    print(f'{failures} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
