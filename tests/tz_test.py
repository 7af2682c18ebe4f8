#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The same repository gives the same answer under any TZ.

Runs `pirscan check --format json` (today's date, no --as-of) on the fixture
repositories under several time zones, from UTC-12 to UTC+14, and requires
byte-identical output. One fixture commit was made at 09:30 in UTC+14, on
the day before in UTC: its date must be the UTC one everywhere.
"""
import json
import os
import subprocess
import sys
import tempfile

ZONES = ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "America/St_Johns", "Asia/Kathmandu"]


def run(pirscan, fixtures, tz, cache):
    # a cache of its own: the user's may be shared with other runs and other versions
    env = dict(os.environ, TZ=tz, NO_COLOR="1", XDG_CACHE_HOME=cache)
    p = subprocess.run([pirscan, "check", "-q", "--format", "json", "svc", "postmortems"],
                       cwd=fixtures, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout


def main():
    pirscan, fixtures = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory() as cache:
        results = {tz: run(pirscan, fixtures, tz, cache) for tz in ZONES}
    base = results["UTC"]
    failed = 0
    for tz, got in results.items():
        if got != base:
            print("%s: output differs from UTC" % tz)
            failed += 1
    doc = json.loads(base[1])
    dates = [loc["introduced"]["date"] for it in doc["items"] for loc in it["locations"]
             if loc["path"] == "src/util.c"]
    if dates != ["2026-04-10"]:
        print("src/util.c introduced on %s, expected the UTC date 2026-04-10" % dates)
        failed += 1
    print("%d passed, %d failed" % (len(ZONES) + 1 - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
