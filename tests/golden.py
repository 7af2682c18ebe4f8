#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden CLI tests: run pirscan as a user would and compare with expected files.

A case is tests/golden/NAME.cmd: one line of arguments (shell words) where
{fixtures} is the fixture repositories' folder and {tmp} a fresh temporary
folder outside any repository. Expected: NAME.out (stdout), NAME.err (stderr,
optional) and NAME.status (exit status, default 0). Each case runs with
TZ=UTC, NO_COLOR=1 and COLUMNS unset, from the fixtures folder. Optional:
NAME.env, KEY=VALUE lines added to the environment ({tmp} expanded), and
NAME.files, paths under {tmp} whose contents are appended to stdout after a
"--- file: PATH ---" line (files a command writes, such as a step summary).

  golden.py PIRSCAN FIXTURES CASE_DIR NAME     run one case
  golden.py --update PIRSCAN FIXTURES CASE_DIR [NAME...]   rewrite expectations
"""
import os
import shlex
import subprocess
import sys
import tempfile


def run_case(pirscan, fixtures, case_dir, name, update):
    with open(os.path.join(case_dir, name + ".cmd"), encoding="utf-8") as f:
        line = f.read().strip()
    base = os.path.join(case_dir, name)
    with tempfile.TemporaryDirectory(prefix="pirscan-golden-") as tmp:
        def expand(s):
            return s.replace("{fixtures}", fixtures).replace("{tmp}", tmp)
        args = [expand(a) for a in shlex.split(line)]
        env = {k: v for k, v in os.environ.items()
               if k not in ("COLUMNS", "NO_COLOR", "GITHUB_STEP_SUMMARY")}
        # no host configuration (/etc/pirscan, ~/.config/pirscan) unless a case sets one
        env.update(TZ="UTC", NO_COLOR="1", LC_ALL="C", PIRSCAN_CONFIG_SYSTEM="",
                   PIRSCAN_CONFIG_USER="")
        # the cache (issue 11) in a folder of the case's own, never the user's
        env["XDG_CACHE_HOME"] = os.path.join(tmp, ".cache")
        if os.path.exists(base + ".env"):
            with open(base + ".env", encoding="utf-8") as f:
                for kv in f.read().splitlines():
                    if "=" in kv:
                        k, v = kv.split("=", 1)
                        env[k] = expand(v)
        p = subprocess.run([pirscan] + args, cwd=fixtures, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        stdout = p.stdout
        if os.path.exists(base + ".files"):
            with open(base + ".files", encoding="utf-8") as f:
                for rel in f.read().split():
                    stdout += ("--- file: %s ---\n" % rel).encode()
                    path = os.path.join(tmp, rel)
                    stdout += open(path, "rb").read() if os.path.exists(path) else b"(missing)\n"
    out, err = (s.decode("utf-8", "replace").replace(tmp, "{tmp}").replace(fixtures, "{fixtures}")
                for s in (stdout, p.stderr))
    if update:
        with open(base + ".out", "w", encoding="utf-8", newline="") as f:
            f.write(out)
        if err or os.path.exists(base + ".err"):
            with open(base + ".err", "w", encoding="utf-8", newline="") as f:
                f.write(err)
        if p.returncode != 0:
            with open(base + ".status", "w", encoding="utf-8") as f:
                f.write("%d\n" % p.returncode)
        elif os.path.exists(base + ".status"):
            os.unlink(base + ".status")
        print("updated", name)
        return True
    ok = True
    want_status = 0
    if os.path.exists(base + ".status"):
        with open(base + ".status", encoding="utf-8") as f:
            want_status = int(f.read().strip())
    if p.returncode != want_status:
        print("%s: exit status %d, expected %d" % (name, p.returncode, want_status))
        # a crash (a sanitizer's report) is on stderr: show its end
        if p.returncode < 0 or p.returncode > 3:
            print("\n".join(err.splitlines()[-60:]))
        ok = False
    for suffix, got in ((".out", out), (".err", err)):
        path = base + suffix
        if not os.path.exists(path):
            if suffix == ".err":
                continue
            want = ""
        else:
            with open(path, encoding="utf-8", newline="") as f:
                want = f.read()
        if got != want:
            import difflib
            print("%s: %s differs:" % (name, suffix[1:]))
            sys.stdout.writelines(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True), "expected", "actual"))
            ok = False
    return ok


def main(argv):
    update = argv[1:2] == ["--update"]
    if update:
        argv = argv[1:]
    if len(argv) < 4:
        print(__doc__)
        return 2
    pirscan, fixtures, case_dir = (os.path.abspath(a) for a in argv[1:4])
    names = argv[4:] or sorted(n[:-4] for n in os.listdir(case_dir) if n.endswith(".cmd"))
    failed = sum(not run_case(pirscan, fixtures, case_dir, n, update) for n in names)
    if not update:
        print("%d passed, %d failed" % (len(names) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
