#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a large synthetic git history for benchmarking pirscan.

    gen-history.py OUT_DIR [--profile merge-heavy] [--commits N] [--files F]
                           [--dirs D] [--seed S] [--merge-every M]
                           [--topics N] [--branch-len L] [--main-share P]
                           [--yml-growth P] [--marker-dirs F]
                           [--bare] [--no-repack]

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

With --topics N (issue 10's merge-based workflow; `--profile merge-heavy`
sets it with 200000 commits) there is no fixed merge rhythm: N topic
branches are alive at once, most commits are made on them, and each is
merged into main when done, so a merge's second parent misses everything
main got since the topic forked.  Topics add markers whose entries the
merge appends to the action-items file; --yml-growth makes main and merge
commits append and edit entries too (thousands of versions of one growing
file); --marker-dirs puts an incident marker in most folders from the start.

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


DEFAULTS = dict(commits=20000, files=2000, dirs=30, seed=42, merge_every=50, topics=0,
                branch_len=6, main_share=0.1, yml_growth=0.0, marker_dirs=0.0)
PROFILES = {
    # issue 10: a monorepo with a merge-based workflow
    "merge-heavy": dict(commits=200000, files=3000, dirs=150, topics=8, branch_len=3,
                        main_share=0.1, yml_growth=0.03, marker_dirs=0.8),
}


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
        self.yml_versions = 0
        self.topics = []
        self.topic_seq = 0

    # ---- stream helpers ----

    def w(self, s):
        self.out.write(s.encode() if isinstance(s, str) else s)

    def data(self, b):
        self.w(b"data %d\n" % len(b))
        self.w(b)
        self.w(b"\n")

    def blob_inline(self, path, content, mode="100644"):
        if path == self.yml_path:
            self.yml_versions += 1
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
            r = it.get("_r")
            if r is None:  # rendered once per change, not once per version
                e = [f"  - id: {it['id']}", f"    title: {yaml_quote(it['title'])}"]
                if it["owner"]:
                    e.append(f"    owner: {it['owner']}")
                e.append(f"    due: {it['due']}")
                e.append(f"    severity: {it['severity']}")
                e.append(f"    linked_incident: {it['incident']}")
                e.append(f"    status: {it['status']}")
                r = it["_r"] = "\n".join(e)
            out.append(r)
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
        if self.a.marker_dirs:
            self.marker_dirs()
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
                        it["_r"] = None
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
            it["_r"] = None
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

        if self.a.yml_growth and self.yml_grow():
            yml_dirty = True
        self.last_written = set(touched) | {op[2] for op in ops if op[0] == "R"}

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

    # ---- the merge-heavy workflow (--topics N) ----
    #
    # N topic branches are alive at once; each forks from main, gets about
    # --branch-len commits, and is merged back into main with a merge commit
    # while the others go on. Most commits reach main through merges, and the
    # longer a topic lives, the more its merge's second parent differs from the
    # first (every change main got in the meantime). The merges are clean:
    # a path belongs to at most one live topic, main never changes a path a
    # topic holds, and a topic takes only paths main has not changed since the
    # topic forked, so the merge tree (main's tree plus the topic's files) is
    # what `git merge` would compute.

    def yml_grow(self):
        """--yml-growth: now and then append entries to, or edit one of, the
        action-items file (no marker in the code goes with them)."""
        r = self.rng
        if r.random() >= self.a.yml_growth:
            return False
        ts = EPOCH + self.n * HOUR
        if r.random() < 0.6 or not self.items:
            for _ in range(r.randint(1, 2)):
                it = self.new_item(ts)
                if r.random() < 0.3:
                    it["status"] = "done"
        else:  # edit a recent entry: owner, due date or status
            it = self.items[-1 - min(int(r.expovariate(1 / 200)), len(self.items) - 1)]
            k = r.random()
            if k < 0.4:
                it["owner"] = r.choice(OWNERS)
            elif k < 0.8:
                it["due"] = ymd(ts + r.randint(7, 90) * 86400)
            elif it["id"] not in self.alive and it["status"] == "open":
                it["status"] = r.choice(["done", "closed", "wontfix"])
            it["_r"] = None
        return True

    def marker_dirs(self):
        """--marker-dirs F: an incident marker in one file of that share of
        the folders, from the first commit on (before it is written)."""
        for d in self.dirs:
            if self.rng.random() >= self.a.marker_dirs:
                continue
            inside = [p for p in self.paths if p.rsplit("/", 1)[0] == d]
            if not inside:
                continue
            self.inc_seq += 1
            text = f"TODO PIR(INC-{self.inc_seq}): {self.rng.choice(TITLES)} (#{self.inc_seq})"
            p = self.rng.choice(inside)
            self.insert_marker(p, text)
            self.inc_markers[text] = p

    def topic_new(self):
        self.topic_seq += 1
        r = self.rng
        n = max(1, int(r.expovariate(1 / self.a.branch_len)) + 1)
        if r.random() < 0.05:  # a long-lived topic: its merge differs a lot
            n *= 8
        return {
            "name": f"topic-{self.topic_seq}",
            "ref": f"refs/heads/topic-{self.topic_seq}",
            "fork": self.main_mark,
            "fork_n": self.n,
            "tip": self.main_mark,
            "left": n,
            "files": {},  # path -> lines on the topic
            "new_items": [],  # entries its markers need, added at the merge
            "closes": [],  # PIR ids whose markers it removed
            "inc": {},  # incident marker text -> path
        }

    def topic_commit(self, t):
        r = self.rng
        changed = []
        for _ in range(r.randint(1, 3)):
            p = None
            if t["files"] and r.random() < 0.5:
                p = r.choice(sorted(t["files"]))
            else:
                for _ in range(20):
                    c = r.choice(self.paths)
                    if c not in self.locked and self.main_changed.get(c, 0) <= t["fork_n"]:
                        p = c
                        break
            if p is None:
                continue
            if p not in t["files"]:
                t["files"][p] = list(self.files[p])
                self.locked[p] = t["name"]
            saved = self.files[p]
            self.files[p] = t["files"][p]
            self.edit(p)
            k = r.random()
            ts = EPOCH + self.n * HOUR
            if k < 0.008:  # a new action item: marker now, entry at the merge
                it = self.new_item(ts)
                self.items.pop()
                t["new_items"].append(it)
                self.insert_marker(p, f"TODO {it['id']}: {it['title']}")
                self.alive[it["id"]] = p
            elif k < 0.03:
                self.inc_seq += 1
                text = f"TODO PIR(INC-{self.inc_seq}): follow up from {t['name']}"
                self.insert_marker(p, text)
                t["inc"][text] = p
            elif k < 0.05:  # resolve an item whose marker is in this file
                for pid in sorted(self.alive):
                    if self.alive[pid] == p and not any(i["id"] == pid for i in t["new_items"]):
                        self.remove_marker(p, pid)
                        del self.alive[pid]
                        t["closes"].append(pid)
                        break
            t["files"][p] = self.files[p]
            self.files[p] = saved
            changed.append(p)
        if not changed:
            return False
        msg = f"{t['name']}: {r.choice(WORDS)} {r.choice(WORDS)}\n"
        t["tip"], _ = self.header(t["ref"], msg, (t["tip"],))
        for p in sorted(set(changed)):
            self.blob_inline(p, ("\n".join(t["files"][p]) + "\n").encode(), self.mode_of(p))
        t["left"] -= 1
        return True

    def topic_merge(self, t):
        self.merges += 1
        yml = bool(t["new_items"] or t["closes"])
        self.items.extend(t["new_items"])
        for it in self.items if t["closes"] else ():
            if it["id"] in t["closes"]:
                it["status"] = self.rng.choice(["done", "done", "closed", "wontfix"])
                it["_r"] = None
        if self.a.yml_growth and self.yml_grow():
            yml = True
        m, _ = self.header(
            "refs/heads/main", f"Merge branch '{t['name']}'\n", (self.main_mark, t["tip"])
        )
        self.main_mark = m
        for p in sorted(t["files"]):
            self.files[p] = t["files"][p]
            del self.locked[p]
            self.main_changed[p] = self.n
            self.blob_inline(p, self.text_blob(p), self.mode_of(p))
        self.inc_markers.update(t["inc"])
        if yml:
            self.blob_inline(self.yml_path, self.render_yml())
        self.w(f"reset {t['ref']}\nfrom 0000000000000000000000000000000000000000\n")

    def run_topics(self):
        a = self.a
        r = self.rng
        self.topics = []
        self.topic_seq = 0
        self.locked = {}  # path -> name of the live topic holding it
        self.main_changed = {}  # path -> commit number of its last change on main
        self.initial()
        while self.n < a.commits:
            left = a.commits - self.n
            live = [t for t in self.topics if t["tip"] != t["fork"]]
            if left <= len(live) + 1:  # wind down: merge what is open, then main
                if not live:
                    self.main_commit(avoid=self.locked)
                    continue
                t = live[0]
                self.topics.remove(t)
                self.topic_merge(t)
                continue
            while len(self.topics) < a.topics:
                self.topics.append(self.topic_new())
            k = r.random()
            if k < a.main_share:
                self.main_commit(avoid=self.locked)
                for p in self.last_written:
                    self.main_changed[p] = self.n
                continue
            t = self.topics[r.randrange(len(self.topics))]
            if t["left"] <= 0 and t["tip"] != t["fork"]:
                self.topics.remove(t)
                self.topic_merge(t)
            elif not self.topic_commit(t) and t["tip"] == t["fork"]:
                self.topics.remove(t)  # found nothing to change: give up on it
        self.w("done\n")

    def run(self):
        a = self.a
        if a.topics:
            self.run_topics()
            return
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
    ap.add_argument("--profile", choices=sorted(PROFILES),
                    help="preset values for the options below (explicit options win): "
                    "merge-heavy is issue 10's 200k-commit merge-based workflow")
    ap.add_argument("--commits", type=int, help="total commits (default 20000)")
    ap.add_argument("--files", type=int, help="source files at the start (default 2000)")
    ap.add_argument("--dirs", type=int, help="directories (default 30)")
    ap.add_argument("--seed", type=int, help="random seed (default 42)")
    ap.add_argument(
        "--merge-every", type=int, metavar="M",
        help="a merged side branch every M commits, 0 for none (default 50; "
        "ignored with --topics)",
    )
    ap.add_argument("--topics", type=int, metavar="N",
                    help="merge-based workflow: N topic branches alive at once, "
                    "each merged into main when done (default 0: off)")
    ap.add_argument("--branch-len", type=int, metavar="L",
                    help="mean commits per topic branch, 5%% of them 8x longer (default 6)")
    ap.add_argument("--main-share", type=float, metavar="P",
                    help="with --topics, the share of commits made on main directly (default 0.1)")
    ap.add_argument("--yml-growth", type=float, metavar="P",
                    help="probability that a main or merge commit also appends to or edits "
                    "the action-items file (default 0: off)")
    ap.add_argument("--marker-dirs", type=float, metavar="F",
                    help="share of folders given an incident marker in the first commit "
                    "(default 0: off)")
    ap.add_argument("--bare", action="store_true", help="create a bare repository")
    ap.add_argument("--no-repack", action="store_true",
                    help="keep fast-import's pack (no delta-compressing `git repack -adf`)")
    a = ap.parse_args()
    preset = dict(DEFAULTS)
    if a.profile:
        preset.update(PROFILES[a.profile])
    for k, v in preset.items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    if a.commits < 1 or a.files < 1 or a.dirs < 1 or a.merge_every < 0:
        die("--commits, --files and --dirs must be >= 1, --merge-every >= 0")
    if a.topics < 0 or a.branch_len < 1:
        die("--topics must be >= 0, --branch-len >= 1")
    for k in ("main_share", "yml_growth", "marker_dirs"):
        if not 0 <= getattr(a, k) <= 1:
            die(f"--{k.replace('_', '-')} must be between 0 and 1")
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
        ["git", "fast-import", "--quiet", "--done", "--force"]
        + ([f"--active-branches={a.topics + 5}"] if a.topics else []), cwd=out, env=env,
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
    for ref in git(["for-each-ref", "--format=%(refname)", "refs/heads/topic-*"], out, env,
                   capture=True).split():
        git(["update-ref", "-d", ref], out, env)
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
    if a.topics or a.yml_growth:
        print(f"workflow       {g.topic_seq if a.topics else 0} topic branches, "
              f"{len(g.items)} entries in {g.yml_versions} versions of {g.yml_path}")
    print(f"HEAD           {head}")
    print(f"time           {t3 - t0:.1f}s (fast-import {t1 - t0:.1f}s, repack {t2 - t1:.1f}s, "
          f"checkout {t3 - t2:.1f}s)")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        sys.exit(1)
