#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a large synthetic git history for benchmarking pirscan.

    gen-history.py OUT_DIR [--commits N] [--files F] [--dirs D] [--seed S]
                           [--merge-every M] [--bare] [--no-repack]

The whole history is written as one `git fast-import` stream on the
process's stdin, so 20000 commits take seconds, not one git process per
commit.  Everything is derived from --seed: the same arguments always give
the same HEAD commit id (author, committer and dates are fixed, one commit
per simulated hour from 2020-01-01T00:00:00Z, and no user or system git
configuration is read).

Content: F source files in D nested directories; every commit edits a few
of them (appended, replaced, inserted and deleted lines).  Now and then a
commit adds a `TODO PIR-YYYY-MM-DD-NNN` marker together with a matching
entry in postmortems/action-items.yml, or removes a marker and closes its
entry; adds an incident marker (`TODO PIR(INC-1234)` / `TODO PIR INC-1234`);
renames, deletes or adds a file; or adds a binary file (bytes with NULs,
sometimes with a "TODO PIR" inside that a scanner must ignore).  Every M
commits a side branch gets 2-3 commits while main gets one, and the side
is merged back with a merge commit (fast-import `merge`).

Only the standard library is used.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import time

EPOCH = 1577836800  # 2020-01-01T00:00:00Z
HOUR = 3600
NAME = "Bench Bot"
EMAIL = "bench@pirscan.invalid"

WORDS = (
    "alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega "
    "buffer cache config client server socket request response handler "
    "parser token stream frame packet header payload retry timeout limit "
    "queue worker thread mutex lock state index offset length count size "
    "error status result value option flag mode level depth width height "
    "load store fetch flush sync merge split join scan walk visit emit"
).split()

TOP_DIRS = ["src", "lib", "tools", "services", "scripts", "docs", "tests", "deploy"]

# extension -> (comment prefix, executable)
LANGS = [
    (".c", "//", False),
    (".h", "//", False),
    (".go", "//", False),
    (".rs", "//", False),
    (".js", "//", False),
    (".py", "#", False),
    (".sh", "#", True),
    (".rb", "#", False),
    (".yaml", "#", False),
]

OWNERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", None]
SEVERITIES = ["critical", "high", "medium", "low"]
TITLES = [
    "validate the config before reload",
    "add a smoke test for the failover path",
    "alert on queue depth",
    "bound the retry loop",
    "document the rollback procedure",
    "add a circuit breaker around the cache",
    "rate-limit the admin endpoint",
    "check disk space before compaction",
    "make the migration idempotent",
    "page the owning team, not the on-call pool",
]


def die(msg, code=2):
    print(f"gen-history.py: {msg}", file=sys.stderr)
    sys.exit(code)


def ymd(ts):
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def yaml_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Gen:
    def __init__(self, args, out):
        self.a = args
        self.rng = random.Random(args.seed)
        self.out = out  # binary stream (fast-import's stdin)
        self.n = 0  # commits emitted
        self.mark = 0
        self.files = {}  # path -> list of str lines (text files only)
        self.binaries = {}  # path -> bytes
        self.paths = []  # sorted list of text paths (deterministic choice)
        self.dirs = []
        self.items = []  # action items: dicts, in file order
        self.alive = {}  # PIR id -> path of the file holding its marker
        self.inc_markers = {}  # marker text -> path
        self.day_seq = {}  # YYYY-MM-DD -> last NNN used
        self.file_seq = 0
        self.bin_seq = 0
        self.inc_seq = 1000
        self.renames = 0
        self.merges = 0
        self.main_mark = None
        self.yml_path = "postmortems/action-items.yml"

    # ---- stream helpers ----

    def w(self, s):
        self.out.write(s.encode() if isinstance(s, str) else s)

    def data(self, b):
        self.w(b"data %d\n" % len(b))
        self.w(b)
        self.w(b"\n")

    def blob_inline(self, path, content, mode="100644"):
        self.w(f"M {mode} inline {path}\n")
        self.data(content)

    # ---- content ----

    def line(self, comment):
        r = self.rng
        k = r.random()
        w1, w2, w3 = r.choice(WORDS), r.choice(WORDS), r.choice(WORDS)
        if k < 0.12:
            return f"{comment} {w1} the {w2} before {w3}"
        if comment == "#":
            if k < 0.5:
                return f"{w1}_{w2} = {w3}({r.randrange(1000)})"
            return f"    if {w1}_{w2} > {r.randrange(100)}: {w3}()"
        if k < 0.5:
            return f"\tint {w1}_{w2} = {w3}({r.randrange(1000)});"
        return f"\tif ({w1} > {r.randrange(100)}) {w2}_{w3}();"

    def comment_of(self, path):
        for ext, c, _ in LANGS:
            if path.endswith(ext):
                return c
        return "#"

    def mode_of(self, path):
        return "100755" if path.endswith(".sh") else "100644"

    def text_blob(self, path):
        return ("\n".join(self.files[path]) + "\n").encode()

    def new_path(self):
        self.file_seq += 1
        ext = LANGS[self.file_seq % len(LANGS)][0]
        d = self.rng.choice(self.dirs)
        return f"{d}/{self.rng.choice(WORDS)}_{self.file_seq:05d}{ext}"

    def make_dirs(self):
        r = self.rng
        dirs = list(TOP_DIRS)
        while len(dirs) < self.a.dirs:
            parent = r.choice(dirs)
            if parent.count("/") >= 3:
                continue
            cand = f"{parent}/{r.choice(WORDS)}"
            if cand not in dirs:
                dirs.append(cand)
        self.dirs = sorted(dirs[: self.a.dirs])

    def add_text_file(self, path):
        c = self.comment_of(path)
        nl = self.rng.randint(20, 120)
        self.files[path] = [f"{c} {path}"] + [self.line(c) for _ in range(nl)]
        self.paths.append(path)

    def pick(self, exclude=()):
        while True:
            p = self.rng.choice(self.paths)
            if p not in exclude:
                return p

    def edit(self, path):
        """Random line edits that never touch a TODO PIR line."""
        r = self.rng
        lines = self.files[path]
        c = self.comment_of(path)
        for _ in range(r.randint(1, 4)):
            k = r.random()
            if k < 0.35 or len(lines) < 5:
                lines.extend(self.line(c) for _ in range(r.randint(1, 5)))
            elif k < 0.7:
                i = r.randrange(1, len(lines))
                if "TODO PIR" not in lines[i]:
                    lines[i] = self.line(c)
            elif k < 0.85:
                lines.insert(r.randrange(1, len(lines)), self.line(c))
            elif len(lines) > 30:
                i = r.randrange(1, len(lines))
                if "TODO PIR" not in lines[i]:
                    del lines[i]

    # ---- action items ----

    def render_yml(self):
        out = [
            "# Action items from post-incident reviews.",
            "# Generated by tests/bench/gen-history.py.",
            "action_items:",
        ]
        for it in self.items:
            out.append(f"  - id: {it['id']}")
            out.append(f"    title: {yaml_quote(it['title'])}")
            if it["owner"]:
                out.append(f"    owner: {it['owner']}")
            out.append(f"    due: {it['due']}")
            out.append(f"    severity: {it['severity']}")
            out.append(f"    linked_incident: {it['incident']}")
            out.append(f"    status: {it['status']}")
        return ("\n".join(out) + "\n").encode()

    def new_item(self, ts):
        r = self.rng
        day = ymd(ts)
        seq = self.day_seq.get(day, 0) + 1
        self.day_seq[day] = seq
        self.inc_seq += r.randint(1, 7)
        it = {
            "id": f"PIR-{day}-{seq:03d}",
            "title": r.choice(TITLES),
            "owner": r.choice(OWNERS),
            "due": ymd(ts + r.randint(7, 120) * 86400),
            "severity": r.choice(SEVERITIES),
            "incident": f"INC-{self.inc_seq}",
            "status": "open",
        }
        self.items.append(it)
        return it

    def insert_marker(self, path, text):
        lines = self.files[path]
        c = self.comment_of(path)
        lines.insert(self.rng.randrange(1, len(lines) + 1), f"{c} {text}")

    def remove_marker(self, path, needle):
        self.files[path] = [ln for ln in self.files[path] if needle not in ln]

    # ---- commits ----

    def header(self, ref, msg, parents=()):
        ts = EPOCH + self.n * HOUR
        self.n += 1
        self.mark += 1
        m = self.mark
        self.w(f"commit {ref}\nmark :{m}\n")
        self.w(f"author {NAME} <{EMAIL}> {ts} +0000\n")
        self.w(f"committer {NAME} <{EMAIL}> {ts} +0000\n")
        self.data(msg.encode())
        for i, p in enumerate(parents):
            self.w(f"{'from' if i == 0 else 'merge'} :{p}\n")
        return m, ts

    def initial(self):
        self.make_dirs()
        m, _ = self.header("refs/heads/main", "Initial import\n")
        for _ in range(self.a.files):
            self.add_text_file(self.new_path())
        self.paths.sort()
        self.blob_inline("README.md", b"# synthetic repository\n\nGenerated by gen-history.py.\n")
        for p in self.paths:
            self.blob_inline(p, self.text_blob(p), self.mode_of(p))
        self.blob_inline(self.yml_path, self.render_yml())
        self.main_mark = m

    def main_commit(self, avoid=()):
        """One ordinary commit on main. `avoid`: paths a pending side branch
        changed; they are neither edited, renamed nor deleted here."""
        r = self.rng
        ops = []  # list of ("M", path) / ("D", path) / ("R", old, new)
        touched = []
        yml_dirty = False
        subject = "Update " + r.choice(WORDS)

        for _ in range(r.randint(1, 4)):
            p = self.pick(avoid)
            self.edit(p)
            touched.append(p)

        k = r.random()
        if k < 0.04:  # new action item + marker
            ts = EPOCH + self.n * HOUR
            it = self.new_item(ts)
            p = self.pick(avoid)
            self.insert_marker(p, f"TODO {it['id']}: {it['title']}")
            self.alive[it["id"]] = p
            touched.append(p)
            yml_dirty = True
            subject = f"Add action item {it['id']}"
        elif k < 0.07 and self.alive:  # resolve an item: remove its marker
            ids = sorted(self.alive)
            pid = r.choice(ids)
            p = self.alive[pid]
            if p not in avoid:
                self.remove_marker(p, pid)
                del self.alive[pid]
                touched.append(p)
                for it in self.items:
                    if it["id"] == pid:
                        it["status"] = r.choice(["done", "done", "closed", "wontfix"])
                yml_dirty = True
                subject = f"Resolve {pid}"
        elif k < 0.085:  # incident-only marker
            self.inc_seq += 1
            text = r.choice(
                [f"TODO PIR(INC-{self.inc_seq}): ", f"TODO PIR INC-{self.inc_seq} ", "TODO PIR: "]
            ) + f"{r.choice(TITLES)} (#{self.inc_seq})"  # unique: removal finds only this one
            p = self.pick(avoid)
            self.insert_marker(p, text)
            self.inc_markers[text] = p
            touched.append(p)
        elif k < 0.095 and self.inc_markers:
            text = r.choice(sorted(self.inc_markers))
            p = self.inc_markers[text]
            if p not in avoid:
                self.remove_marker(p, text)
                del self.inc_markers[text]
                touched.append(p)
        elif k < 0.1 and self.items:  # edit an entry (owner/due change)
            it = r.choice(self.items)
            it["owner"] = r.choice(OWNERS)
            it["due"] = ymd(EPOCH + self.n * HOUR + r.randint(7, 90) * 86400)
            yml_dirty = True

        k = r.random()
        if k < 0.01:  # rename
            old = self.pick(set(avoid) | set(touched))
            new = self.new_path()
            self.files[new] = self.files.pop(old)
            self.paths.remove(old)
            self.paths.append(new)
            self.paths.sort()
            for d in (self.alive, self.inc_markers):
                for key in sorted(d):
                    if d[key] == old:
                        d[key] = new
            ops.append(("R", old, new))
            self.renames += 1
        elif k < 0.015 and len(self.paths) > self.a.files // 2:  # delete
            old = self.pick(set(avoid) | set(touched))
            if not any(v == old for v in self.alive.values()) and not any(
                v == old for v in self.inc_markers.values()
            ):
                del self.files[old]
                self.paths.remove(old)
                ops.append(("D", old))
        elif k < 0.025:  # new file
            p = self.new_path()
            self.add_text_file(p)
            self.paths.sort()
            touched.append(p)
        elif k < 0.03:  # binary file
            self.bin_seq += 1
            p = f"assets/blob_{self.bin_seq:05d}.bin"
            n = r.randint(1024, 16384)
            b = bytearray(r.getrandbits(8) for _ in range(n))
            b[r.randrange(n)] = 0
            if r.random() < 0.3:  # a marker a scanner must not report
                i = r.randrange(n - 40)
                b[i : i + 34] = b"TODO PIR-2020-01-01-999: binary!\x00\x00"
            self.binaries[p] = bytes(b)
            ops.append(("B", p))

        m, _ = self.header("refs/heads/main", subject + "\n", (self.main_mark,))
        self.main_mark = m
        for op in ops:
            if op[0] == "R":
                self.w(f"R {op[1]} {op[2]}\n")
            elif op[0] == "D":
                self.w(f"D {op[1]}\n")
            else:
                self.blob_inline(op[1], self.binaries[op[1]])
        for p in sorted(set(touched)):
            if p in self.files:
                self.blob_inline(p, self.text_blob(p), self.mode_of(p))
        if yml_dirty:
            self.blob_inline(self.yml_path, self.render_yml())

    def merge_block(self, k):
        """Side branch with k commits, one main commit, then a merge: k + 2 commits."""
        r = self.rng
        self.merges += 1
        fork = self.main_mark
        side = {}  # path -> lines on the side
        side_ref = "refs/heads/topic"
        tip = fork
        for j in range(k):
            changed = []
            for _ in range(r.randint(1, 3)):
                p = r.choice(self.paths)
                if p not in side:
                    side[p] = list(self.files[p])
                saved = self.files[p]
                self.files[p] = side[p]
                self.edit(p)
                if r.random() < 0.1:
                    self.inc_seq += 1
                    text = f"TODO PIR(INC-{self.inc_seq}): follow up from topic {self.merges}"
                    self.insert_marker(p, text)
                    self.inc_markers[text] = p
                side[p] = self.files[p]
                self.files[p] = saved
                changed.append(p)
            msg = f"topic {self.merges}: {r.choice(WORDS)} part {j + 1}\n"
            tip, _ = self.header(side_ref, msg, (tip,))
            for p in sorted(set(changed)):
                self.blob_inline(p, ("\n".join(side[p]) + "\n").encode(), self.mode_of(p))
        # main moves on meanwhile, away from the side's files
        self.main_commit(avoid=set(side))
        # merge: main's tree plus the side's files
        m, _ = self.header(
            "refs/heads/main", f"Merge branch 'topic-{self.merges}'\n", (self.main_mark, tip)
        )
        self.main_mark = m
        for p in sorted(side):
            self.files[p] = side[p]
            self.blob_inline(p, self.text_blob(p), self.mode_of(p))

    def run(self):
        a = self.a
        self.initial()
        since = 0
        while self.n < a.commits:
            left = a.commits - self.n
            if a.merge_every and since >= a.merge_every and left >= 4:
                k = 2 + (self.rng.random() < 0.5)
                k = min(k, left - 2)
                self.merge_block(k)
                since = 0
            else:
                self.main_commit()
                since += 1
        self.w("done\n")


def git(args, cwd, env, capture=False):
    r = subprocess.run(
        ["git"] + args, cwd=cwd, env=env, stdout=subprocess.PIPE if capture else None
    )
    if r.returncode != 0:
        die(f"git {' '.join(args)} failed (exit {r.returncode})", 1)
    return r.stdout.decode().strip() if capture else None


def main():
    ap = argparse.ArgumentParser(
        description="Generate a large deterministic synthetic git history (for bench.sh)."
    )
    ap.add_argument("out_dir", metavar="OUT_DIR", help="directory to create (must not exist or be empty)")
    ap.add_argument("--commits", type=int, default=20000, help="total commits (default 20000)")
    ap.add_argument("--files", type=int, default=2000, help="source files at the start (default 2000)")
    ap.add_argument("--dirs", type=int, default=30, help="directories (default 30)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument(
        "--merge-every", type=int, default=50, metavar="M",
        help="a merged side branch every M commits, 0 for none (default 50)",
    )
    ap.add_argument("--bare", action="store_true", help="create a bare repository")
    ap.add_argument("--no-repack", action="store_true",
                    help="keep fast-import's pack (no delta-compressing `git repack -adf`)")
    a = ap.parse_args()
    if a.commits < 1 or a.files < 1 or a.dirs < 1 or a.merge_every < 0:
        die("--commits, --files and --dirs must be >= 1, --merge-every >= 0")
    if os.path.exists(a.out_dir) and (not os.path.isdir(a.out_dir) or os.listdir(a.out_dir)):
        die(f"{a.out_dir}: exists and is not an empty directory")
    if not shutil.which("git"):
        die("git not found in PATH", 1)

    env = dict(os.environ)
    for k in list(env):
        if k.startswith("GIT_"):
            del env[k]
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        HOME=os.devnull,
        GIT_AUTHOR_NAME=NAME,
        GIT_AUTHOR_EMAIL=EMAIL,
        GIT_AUTHOR_DATE=f"{EPOCH} +0000",
        GIT_COMMITTER_NAME=NAME,
        GIT_COMMITTER_EMAIL=EMAIL,
        GIT_COMMITTER_DATE=f"{EPOCH} +0000",
        TZ="UTC",
        LC_ALL="C",
    )

    t0 = time.monotonic()
    os.makedirs(a.out_dir, exist_ok=True)
    out = os.path.abspath(a.out_dir)
    git(["init", "-q"] + (["--bare"] if a.bare else []) + [out], None, env)
    fi = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done", "--force"], cwd=out, env=env,
        stdin=subprocess.PIPE,
    )
    g = Gen(a, fi.stdin)
    try:
        g.run()
        fi.stdin.close()
    except BrokenPipeError:
        pass
    if fi.wait() != 0:
        die(f"git fast-import failed (exit {fi.returncode})", 1)
    t1 = time.monotonic()

    git(["symbolic-ref", "HEAD", "refs/heads/main"], out, env)
    git(["update-ref", "-d", "refs/heads/topic"], out, env)
    if not a.no_repack:
        git(["repack", "-a", "-d", "-f", "-q", "--window=10", "--depth=50"], out, env)
        git(["prune-packed"], out, env)
    t2 = time.monotonic()
    if not a.bare:
        git(["checkout", "-q", "-f", "main"], out, env)
    head = git(["rev-parse", "HEAD"], out, env, capture=True)
    count = git(["rev-list", "--count", "HEAD"], out, env, capture=True)
    t3 = time.monotonic()

    open_items = sum(1 for it in g.items if it["status"] == "open")
    print(f"repository     {out}{' (bare)' if a.bare else ''}")
    print(f"commits        {count} ({g.merges} merges, {g.renames} renames)")
    print(f"files at HEAD  {len(g.paths)} text + {len(g.binaries)} binary + 2, in {len(g.dirs)} dirs")
    print(f"markers alive  {len(g.alive) + len(g.inc_markers)} at HEAD "
          f"({len(g.alive)} PIR ids, {len(g.inc_markers)} incident/no-ref)")
    print(f"action items   {len(g.items)} in {g.yml_path} ({open_items} open)")
    print(f"HEAD           {head}")
    print(f"time           {t3 - t0:.1f}s (fast-import {t1 - t0:.1f}s, repack {t2 - t1:.1f}s, "
          f"checkout {t3 - t2:.1f}s)")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        sys.exit(1)
