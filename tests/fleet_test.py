#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Repository lists with URLs, against a real `git daemon` on 127.0.0.1.

usage: fleet_test.py PIRSCAN FIXTURES

Bare copies of two fixtures are served by git daemon on a free loopback
port, a third by file://. pirscan mirrors them under XDG_CACHE_HOME and
scans the mirrors: the items are those of the fixtures themselves; a
second run fetches a new commit and prunes a branch deleted upstream;
--no-fetch scans the mirrors as they are; a URL that cannot be fetched is
that repository's error (exit 2), the others are scanned, and no output
names a URL's password. The progress line is read on a pseudo-terminal.
Exit 77 (skip) without git daemon.
"""
import json
import re
import os
import pty
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PIRSCAN, FIXTURES = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []


def check(cond, what):
    print("ok  " if cond else "FAIL", what)
    if not cond:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(*args, cwd=None):
    env = dict(os.environ, GIT_AUTHOR_DATE="2026-11-20T12:00:00Z",
               GIT_COMMITTER_DATE="2026-11-20T12:00:00Z", GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_NOSYSTEM="1",
               HOME=TMP)
    subprocess.run(["git"] + list(args), cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(args, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIRSCAN_")}
    env.update(XDG_CACHE_HOME=CACHE, HOME=TMP, TZ="UTC", LC_ALL="C", PIRSCAN_CONFIG_USER="",
               PIRSCAN_CONFIG_SYSTEM="")
    p = subprocess.run([PIRSCAN] + args, capture_output=True, text=True, env=env, cwd=TMP,
                       input=stdin, timeout=120)
    return p.returncode, p.stdout, p.stderr


def items(out):
    """Each item as (id or text, location paths), without repository paths."""
    doc = json.loads(out)
    return sorted((it.get("id") or it["locations"][0]["text"],
                   tuple(sorted((l["repo"], l["path"]) for l in it["locations"])))
                  for it in doc["items"])


def wait_for(port):
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def refs(mirror):
    out = subprocess.run(["git", "--git-dir", mirror, "for-each-ref", "--format=%(refname)"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def progress_on_tty(args):
    """stderr of a run on a pseudo-terminal (stdout a pipe)."""
    master, slave = pty.openpty()
    env = dict(os.environ, XDG_CACHE_HOME=CACHE, HOME=TMP, TZ="UTC", LC_ALL="C",
               TERM="xterm", PIRSCAN_CONFIG_USER="", PIRSCAN_CONFIG_SYSTEM="")
    p = subprocess.Popen([PIRSCAN] + args, stdout=subprocess.DEVNULL, stderr=slave,
                         stdin=subprocess.DEVNULL, env=env, cwd=TMP)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    p.wait(timeout=120)
    return data.decode(errors="replace")


def main():
    srv = os.path.join(TMP, "srv")
    os.makedirs(os.path.join(srv, "org"))
    svc = os.path.join(srv, "org", "svc.git")
    git("clone", "-q", "--bare", os.path.join(FIXTURES, "svc"), svc)
    git("clone", "-q", "--bare", os.path.join(FIXTURES, "postmortems"),
        os.path.join(srv, "org", "postmortems.git"))
    git("clone", "-q", "--bare", os.path.join(FIXTURES, "demo"),
        os.path.join(TMP, "local", "demo.git"))
    git("branch", "temp", "HEAD", cwd=svc)

    port = free_port()
    daemon = subprocess.Popen(["git", "daemon", "--reuseaddr", "--base-path=" + srv,
                               "--export-all", "--listen=127.0.0.1", "--port=%d" % port, srv],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_for(port):
            check(False, "git daemon listens on 127.0.0.1:%d" % port)
            return
        scenario(port, svc)
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def scenario(port, svc):
    base = "git://127.0.0.1:%d/org/" % port
    fleet = os.path.join(TMP, "fleet.txt")
    with open(fleet, "w") as f:
        f.write("# the services\n%ssvc.git\n\n%spostmortems.git\n" % (base, base))
    local = os.path.join(TMP, "local.txt")
    with open(local, "w") as f:
        f.write("file://%s/local/demo.git\n" % TMP)
    mirror = os.path.join(CACHE, "pirscan", "mirrors", "git", "127.0.0.1%%3A%d" % port, "org",
                          "svc.git")

    # first night: everything mirrored and scanned as the fixtures themselves
    code, out, err = run(["--as-of", "2026-11-22", "--format", "json", "--all",
                          "--repos-from", fleet, "--repos-from", local])
    check(code == 0, "first run exits 0 (%d: %s)" % (code, err.strip()))
    doc = json.loads(out)
    check([r["name"] for r in doc["repositories"]] == ["svc", "postmortems", "demo"],
          "named after the list: %s" % [r["name"] for r in doc["repositories"]])
    check(doc["repositories"][0]["path"] == base + "svc.git", "the path shown is the URL")
    check(os.path.isdir(mirror) and os.path.isfile(os.path.join(mirror, "HEAD")),
          "a bare mirror under XDG_CACHE_HOME/pirscan/mirrors")
    check("refs/heads/temp" in refs(mirror), "every branch mirrored")
    code2, direct, _ = run(["--as-of", "2026-11-22", "--format", "json", "--all",
                            os.path.join(FIXTURES, "svc"), os.path.join(FIXTURES, "postmortems"),
                            os.path.join(FIXTURES, "demo")])
    check(code2 == 0 and items(out) == items(direct), "the same items as the fixtures")
    check(not [n for n in os.listdir(os.path.dirname(mirror)) if ".tmp-" in n],
          "no temporary folder left")

    # a new commit and a branch deleted upstream: fetched and pruned
    work = os.path.join(TMP, "work")
    git("clone", "-q", svc, work)
    with open(os.path.join(work, "NEW.md"), "w") as f:
        f.write("TODO(PIR-2026-11-20-777): the new item\n")
    git("add", "NEW.md", cwd=work)
    git("commit", "-q", "-m", "new", cwd=work)
    git("push", "-q", "origin", "HEAD", cwd=work)
    git("branch", "-D", "temp", cwd=svc)
    code, out, err = run(["--as-of", "2026-11-22", "--format", "json", "--repos-from", fleet])
    check(code == 0, "second run exits 0 (%s)" % err.strip())
    check(any(i[0] == "PIR-2026-11-20-777" for i in items(out)), "the new commit is fetched")
    check("refs/heads/temp" not in refs(mirror), "a branch deleted upstream is pruned")

    # --no-fetch: the mirrors as they are
    with open(os.path.join(work, "NEWER.md"), "w") as f:
        f.write("TODO(PIR-2026-11-20-778): not fetched\n")
    git("add", "NEWER.md", cwd=work)
    git("commit", "-q", "-m", "newer", cwd=work)
    git("push", "-q", "origin", "HEAD", cwd=work)
    code, out, err = run(["--as-of", "2026-11-22", "--format", "json", "--no-fetch",
                          "--repos-from", fleet])
    check(code == 0, "--no-fetch exits 0 (%s)" % err.strip())
    ids = [i[0] for i in items(out)]
    check("PIR-2026-11-20-777" in ids and "PIR-2026-11-20-778" not in ids,
          "--no-fetch scans the mirror as it is")

    # failing URLs: an error for each, the others scanned, no password anywhere
    bad = os.path.join(TMP, "bad.txt")
    with open(bad, "w") as f:
        f.write("%ssvc.git\n%smissing.git\n" % (base, base))
    secret_list = os.path.join(TMP, "secret.txt")
    with open(secret_list, "w") as f:
        f.write("https://robot:s3cr3t-t0ken@127.0.0.1:%d/org/x.git\n" % free_port())
    code, out, err = run(["--as-of", "2026-11-22", "--format", "json", "--repos-from", bad,
                          "--repos-from", secret_list])
    check(code == 2, "a failed fetch: exit 2 after the output (%d)" % code)
    doc = json.loads(out)
    check([r["name"] for r in doc["repositories"] if r["commit"]] == ["svc"],
          "the others are scanned")
    check(sorted(r["name"] for r in doc["repositories"] if not r["commit"]) == ["missing", "x"],
          "every output lists the repositories that could not be fetched")
    check("error: x: cannot fetch https://127.0.0.1:" in err, "a URL is shown without its login")
    check("error: missing: cannot fetch %smissing.git: " % base in err,
          "the error names the repository, its URL and the cause: %s" % err.strip())
    check("[fetch-failed]" in err, "its code is fetch-failed")
    check("s3cr3t" not in err + out and "robot" not in err + out,
          "no user name or password in any output")
    secret = subprocess.run(["grep", "-r", "s3cr3t", CACHE], capture_output=True)
    check(secret.returncode == 1, "no password in the cache")
    code, out, err = run(["--as-of", "2026-11-22", "--no-fetch", "--repos-from", "-"],
                         stdin=base + "never-fetched.git\n")
    check(code == 2 and "not mirrored yet (--no-fetch)" in err,
          "--no-fetch without a mirror: that repository's error (%s)" % err.strip())

    # the fleet's progress line, on a terminal only
    tty = progress_on_tty(["--as-of", "2026-11-22", "--repos-from", fleet, "--repos-from",
                           local])
    check("fetch 1/3 svc" in tty and "fetch 3/3 demo" in tty, "fetch K/N NAME on a terminal")
    # repositories are scanned side by side: K counts those done, whichever comes first
    check(re.search(r"repo [1-3]/3 (svc|demo|postmortems)", tty),
          "repo K/N NAME on a terminal: %r" % re.findall(r"repo \d+/\d+ \w+", tty)[:20])
    _, _, err = run(["--as-of", "2026-11-22", "--repos-from", fleet])
    check("repo 1/" not in err and "fetch 1/" not in err, "no progress when not a terminal")


if __name__ == "__main__":
    if shutil.which("git") is None or subprocess.run(
            ["git", "daemon", "--help"], capture_output=True).returncode not in (0, 129):
        print("skip: git daemon is not available")
        sys.exit(77)
    with tempfile.TemporaryDirectory(prefix="pirscan-fleet-") as TMP:
        CACHE = os.path.join(TMP, "cache")
        main()
    if failures:
        print("%d failed" % len(failures))
        sys.exit(1)
