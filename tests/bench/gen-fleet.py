#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a synthetic fleet of bare repositories for benchmarking pirscan
over a whole organisation (issue 11).

    gen-fleet.py OUT_DIR [--repos N] [--seed S] [--jobs J]
                         [--min-commits A] [--max-commits B] [--repack]
    gen-fleet.py OUT_DIR --touch K        # one new commit in K repositories

OUT_DIR gets:
  ORG/NAME.git      N bare repositories (default 1000) in a few org folders;
                    a few folder names repeat under two orgs (orgA/api.git,
                    orgB/api.git)
  repos.txt         their paths, one a line (for a future --repos-from)
  pirscan.yml       the fleet's configuration: 25 teams with members and
                    addresses (for --config)
  fleet.json        what was generated: per repository its commits, entries
                    and markers, and the totals

Each repository is written by one `git fast-import` (no repack unless
--repack): 50 to 1500 commits (log-uniform), 100 to 400 files, a few small
merges, a CODEOWNERS in most repositories, a .pirscan.yml in some. A
realistic share of repositories holds post-incident work: about 30% keep an
action-items file whose entries grow, close and move due dates over time,
about 55% carry markers (for their own entries, for entries kept in another
repository of the fleet, or for an incident only), and the incidents are
shared across repositories. Everything is derived from --seed and the
repository's index, so the result does not depend on --jobs.

--touch K adds one commit to K repositories (picked from the seed and the
number of earlier touches, so the same sequence of calls always gives the
same commits): a new file with an incident marker. It prints the changed
repositories and appends them to OUT_DIR/touched.txt.

Only the standard library is used.
"""

import argparse
import json
import math
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import time

EPOCH = 1640995200  # 2022-01-01T00:00:00Z: the oldest first commit
END = 1780272000  # 2026-06-01T00:00:00Z: every history ends before this
NAME = "Fleet Bot"
EMAIL = "fleet@pirscan.invalid"

ORGS = ["orgA", "orgB", "orgC", "orgD", "orgE", "orgF", "orgG"]
NOUNS = (
    "api web worker gateway billing ledger search catalog cart checkout auth "
    "identity profile notify mailer ingest export report metrics alerts deploy "
    "config router proxy cache queue scheduler backup archive images media "
    "payments invoices refunds fraud risk pricing inventory shipping orders "
    "tracking feed events audit admin console portal mobile sdk cli infra"
).split()
ROLES = ["", "-api", "-service", "-worker", "-ui", "-lib", "-jobs", "-db"]
DUP_NAMES = ["api", "web", "worker", "infra", "cli"]  # repeated under two orgs
WORDS = (
    "buffer cache config client server socket request response handler parser "
    "token stream frame packet header payload retry timeout limit queue worker "
    "thread lock state index offset length count size error status result value"
).split()
TEAM_NAMES = (
    "payments platform data search identity growth mobile web infra sre security "
    "billing catalog checkout fulfilment messaging analytics ml ads support "
    "compliance storage network devex release"
).split()
SYLL = "ka lo mi na re so ti vu be da fe gi ho ju ki le mo nu pa ri sa to".split()
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
    "cap the connection pool",
    "add a canary for the schema change",
]
SEVERITIES = ["critical", "high", "medium", "medium", "low", "low"]
LANGS = [(".go", "//"), (".py", "#"), (".ts", "//"), (".java", "//"), (".sh", "#"), (".yaml", "#")]


def die(msg, code=2):
    print(f"gen-fleet.py: {msg}", file=sys.stderr)
    sys.exit(code)


def ymd(ts):
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, HOME=os.devnull,
               TZ="UTC", LC_ALL="C")
    return env


def git(args, env, capture=False):
    r = subprocess.run(["git"] + args, env=env, stdout=subprocess.PIPE if capture else None)
    if r.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed (exit {r.returncode})")
    return r.stdout.decode().strip() if capture else None


# ---------------------------------------------------------------- the plan
#
# Made in one process before any repository is written: names, sizes, teams,
# incidents, and every action item with the repository that keeps its entry,
# the commit that adds it, and the repositories whose markers cite it.


def make_people(r, n):
    seen, out = set(), []
    while len(out) < n:
        p = "".join(r.choice(SYLL) for _ in range(r.randint(2, 3)))
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def make_plan(a):
    r = random.Random(f"fleet-{a.seed}")
    people = make_people(r, 150)
    teams = []
    for i, t in enumerate(TEAM_NAMES):
        teams.append({"name": t, "email": f"{t}-oncall@example.com",
                      "members": people[i * 5: i * 5 + r.randint(3, 6)]})
    outsiders = people[130:]  # owners no team lists

    # repositories: unique names per org, a few names repeated across orgs
    repos, used, used_names = [], set(), set()
    for i in range(a.repos):
        org = ORGS[i % len(ORGS)] if i < len(ORGS) * 3 else r.choice(ORGS)
        if i < 2 * len(DUP_NAMES):  # orgA/api and orgB/api, orgA/web and orgB/web...
            name = DUP_NAMES[i // 2]
            org = ORGS[i % 2]
        else:
            while True:
                name = r.choice(NOUNS) + r.choice(ROLES)
                if r.random() < 0.3:
                    name = r.choice(NOUNS) + "-" + name
                if (org, name) in used or name in DUP_NAMES:
                    continue
                if name not in used_names or r.random() < 0.01:  # a few more repeats
                    break
        used.add((org, name))
        used_names.add(name)
        lo, hi = math.log(a.min_commits), math.log(a.max_commits)
        commits = int(round(math.exp(r.uniform(lo, hi))))
        span = commits * r.randint(3, 30) * 3600  # a commit every 3 to 30 hours
        start = r.randint(EPOCH, max(EPOCH, END - span - 86400))
        repos.append({
            "index": i, "org": org, "name": name, "path": f"{org}/{name}.git",
            "commits": commits, "files": r.randint(100, 400), "start": start,
            "step": span // commits, "seed": f"{a.seed}-{i}",
            "team": r.randrange(len(teams)),
            "has_yml": r.random() < 0.30,
            "has_markers": r.random() < 0.55,
            "codeowners": r.random() < 0.8,
            "pirscan_yml": r.random() < 0.15,
            "yml_path": r.choice(["postmortems/action-items.yml", "docs/pir/action-items.yaml"]),
            "events": [],  # (commit index, kind, item id or text)
        })
    with_yml = [x for x in repos if x["has_yml"]]
    with_markers = [x for x in repos if x["has_markers"]]

    # incidents, shared by the items of several repositories
    incidents = [f"INC-{4000 + 3 * k}" for k in range(max(20, a.repos // 3))]
    items, day_seq = {}, {}
    for x in with_yml:
        for _ in range(r.randint(2, max(3, x["commits"] // 25))):
            k = r.randrange(1, x["commits"])
            ts = x["start"] + k * x["step"]
            day = ymd(ts)
            day_seq[day] = day_seq.get(day, 0) + 1
            pid = f"PIR-{day}-{day_seq[day]:03d}"
            u = r.random()
            team = teams[x["team"]] if r.random() < 0.8 else r.choice(teams)
            owner = ("@" + r.choice(team["members"]) if u < 0.75 else
                     "@" + r.choice(outsiders) if u < 0.9 else None)
            items[pid] = {
                "id": pid, "title": r.choice(TITLES), "owner": owner,
                "due": ymd(ts + r.randint(7, 120) * 86400),
                "severity": r.choice(SEVERITIES), "incident": r.choice(incidents),
                "status": "open", "team": team["name"] if r.random() < 0.2 else None,
                "repo": x["index"], "ts": ts,
            }
            x["events"].append((k, "entry", pid))
            if r.random() < 0.6:  # the repository that keeps the entry has the marker too
                x["events"].append((k, "marker", pid))
            for _ in range(r.choice([0, 0, 0, 1, 1, 2])):  # cited elsewhere in the fleet
                y = r.choice(with_markers)
                ky = (ts - y["start"]) // y["step"] + 1 + r.randrange(1, 50)
                if y is not x and ky < y["commits"]:
                    y["events"].append((ky, "marker", pid))
            if r.random() < 0.45:  # closed later
                kc = k + r.randrange(1, max(2, x["commits"] - k))
                if kc < x["commits"]:
                    x["events"].append((kc, "close", pid))
            if r.random() < 0.3:  # due date moved
                kd = k + r.randrange(1, max(2, x["commits"] - k))
                if kd < x["commits"]:
                    x["events"].append((kd, "slip", pid))
    for x in with_markers:  # incident-only markers and bare ones
        for _ in range(r.randint(1, max(2, x["commits"] // 40))):
            k = r.randrange(1, x["commits"])
            inc = r.choice(incidents)
            form = r.choice([f"TODO PIR({inc}): ", f"TODO PIR {inc} ", "TODO PIR: "])
            x["events"].append((k, "inc", form + r.choice(TITLES)))
    for x in repos:
        x["events"].sort()
    return {"teams": teams, "repos": repos, "items": items, "incidents": incidents}


# ---------------------------------------------------------------- one repository


def yaml_q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_yml(entries):
    out = ["# Action items from post-incident reviews.", "action_items:"]
    for it in entries:
        out.append(f"  - id: {it['id']}")
        out.append(f"    title: {yaml_q(it['title'])}")
        if it["owner"]:
            out.append(f'    owner: "{it["owner"]}"')
        out.append(f"    due: {it['due']}")
        out.append(f"    severity: {it['severity']}")
        out.append(f"    linked_incident: {it['incident']}")
        if it["team"]:
            out.append(f"    team: {it['team']}")
        out.append(f"    status: {it['status']}")
    return ("\n".join(out) + "\n").encode()


def teams_yaml(teams):
    out = ["teams:"]
    for t in teams:
        out.append(f"  {t['name']}:")
        out.append(f"    email: {t['email']}")
        out.append("    members: [" + ", ".join(f'"@{m}"' for m in t["members"]) + "]")
    return "\n".join(out) + "\n"


def gen_repo(job):
    x, plan_items, teams, out_dir, repack = job
    r = random.Random(x["seed"])
    env = clean_env()
    path = os.path.join(out_dir, x["path"])
    os.makedirs(path)
    git(["init", "-q", "--bare", path], env)
    fi = subprocess.Popen(["git", "fast-import", "--quiet", "--done", "--force"], cwd=path,
                          env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    buf = []
    w = buf.append

    def data(b):
        if isinstance(b, str):
            b = b.encode()
        w(b"data %d\n" % len(b))
        w(b)
        w(b"\n")

    def blob(p, b):
        w(f"M 100644 inline {p}\n".encode())
        data(b)

    def line(c):
        a1, a2 = r.choice(WORDS), r.choice(WORDS)
        return f"{c} {a1} before {a2}" if r.random() < 0.15 else f"  {a1}_{a2}({r.randrange(100)})"

    # the tree
    dirs = ["src", "internal", "deploy", "docs", "tests", "scripts"]
    for _ in range(r.randint(3, 12)):
        dirs.append(f"{r.choice(dirs[:3])}/{r.choice(WORDS)}")
    dirs = sorted(set(dirs))
    files, paths = {}, []
    for n in range(x["files"]):
        ext, c = LANGS[n % len(LANGS)]
        p = f"{r.choice(dirs)}/{r.choice(WORDS)}_{n:03d}{ext}"
        files[p] = [f"{c} {p}"] + [line(c) for _ in range(r.randint(10, 60))]
        paths.append(p)
    paths.sort()

    def cm(p):
        return "#" if p.endswith((".py", ".sh", ".yaml")) else "//"

    team = teams[x["team"]]
    entries, where = [], {}  # entries in file order; PIR id / text -> path of its marker
    mark = 0
    main = None
    ts = x["start"]
    n = 0
    events = list(x["events"])
    ev = 0
    stats = {"entries": 0, "markers": 0, "merges": 0}

    def header(ref, msg, parents):
        nonlocal mark, n, ts
        mark += 1
        ts = x["start"] + n * x["step"]
        n += 1
        w(f"commit {ref}\nmark :{mark}\n".encode())
        w(f"author {NAME} <{EMAIL}> {ts} +0000\ncommitter {NAME} <{EMAIL}> {ts} +0000\n".encode())
        data(msg)
        for i, p in enumerate(parents):
            w(f"{'from' if i == 0 else 'merge'} :{p}\n".encode())
        return mark

    def edit(p):
        ls = files[p]
        c = cm(p)
        for _ in range(r.randint(1, 3)):
            if r.random() < 0.5 or len(ls) < 5:
                ls.append(line(c))
            else:
                i = r.randrange(1, len(ls))
                if "TODO PIR" not in ls[i]:
                    ls[i] = line(c)

    def text(p):
        return ("\n".join(files[p]) + "\n").encode()

    # first commit
    main = header("refs/heads/main", "Initial import\n", ())
    blob("README.md", f"# {x['name']}\n")
    if x["codeowners"]:
        co = [f"* @acme/{team['name']}"]
        if r.random() < 0.4:
            co.append(f"/deploy/ @acme/{r.choice(teams)['name']}")
        if r.random() < 0.3:
            co.append(f"*.sh @{r.choice(team['members'])}")
        blob(".github/CODEOWNERS" if r.random() < 0.7 else "CODEOWNERS", "\n".join(co) + "\n")
    if x["pirscan_yml"]:
        blob(".pirscan.yml", "# the organisation's teams\n" + teams_yaml(teams))
    for p in paths:
        blob(p, text(p))

    while n < x["commits"]:
        changed, yml = set(), False
        msg = f"Update {r.choice(WORDS)}\n"
        while ev < len(events) and events[ev][0] <= n:
            _, kind, what = events[ev]
            ev += 1
            if kind == "entry":
                it = dict(plan_items[what])
                entries.append(it)
                yml = True
                stats["entries"] += 1
                msg = f"Action items for {it['incident']}\n"
            elif kind in ("marker", "inc"):
                if what in where:
                    continue
                p = r.choice(paths)
                t = f"TODO {what}: {plan_items[what]['title']}" if kind == "marker" else what
                files[p].insert(r.randrange(1, len(files[p]) + 1), f"{cm(p)} {t}")
                where[what] = p
                changed.add(p)
                stats["markers"] += 1
            elif kind in ("close", "slip"):
                for it in entries:
                    if it["id"] == what and it["status"] == "open":
                        if kind == "close":
                            it["status"] = r.choice(["done", "done", "closed", "wontfix"])
                            if what in where:
                                p = where.pop(what)
                                files[p] = [ln for ln in files[p] if what not in ln]
                                changed.add(p)
                        else:
                            it["due"] = ymd(ts + r.randint(14, 60) * 86400)
                        yml = True
        for _ in range(r.randint(1, 3)):
            p = r.choice(paths)
            edit(p)
            changed.add(p)
        if r.random() < 0.03 and x["commits"] - n > 3:  # a small merged side branch
            side = {}
            tip = main
            for j in range(r.randint(1, 2)):
                p = r.choice(paths)
                if p in changed:
                    continue
                side.setdefault(p, list(files[p]))
                saved, files[p] = files[p], side[p]
                edit(p)
                files[p] = saved
                tip = header("refs/heads/side", f"side: {r.choice(WORDS)}\n", (tip,))
                blob(p, ("\n".join(side[p]) + "\n").encode())
            if tip != main:
                changed -= set(side)
                main = header("refs/heads/main", msg, (main,))
                for p in sorted(changed):
                    blob(p, text(p))
                if yml:
                    blob(x["yml_path"], render_yml(entries))
                main = header("refs/heads/main", "Merge branch 'side'\n", (main, tip))
                for p in sorted(side):
                    files[p] = side[p]
                    blob(p, text(p))
                stats["merges"] += 1
                continue
        main = header("refs/heads/main", msg, (main,))
        for p in sorted(changed):
            blob(p, text(p))
        if yml:
            blob(x["yml_path"], render_yml(entries))
        if len(buf) > 2000:
            fi.stdin.write(b"".join(buf))
            buf.clear()
    w(b"done\n")
    fi.stdin.write(b"".join(buf))
    fi.stdin.close()
    if fi.wait() != 0:
        raise RuntimeError(f"{path}: git fast-import failed (exit {fi.returncode})")
    git(["--git-dir", path, "symbolic-ref", "HEAD", "refs/heads/main"], env)
    git(["--git-dir", path, "update-ref", "-d", "refs/heads/side"], env)
    if repack:
        git(["--git-dir", path, "repack", "-a", "-d", "-q"], env)
    head = git(["--git-dir", path, "rev-parse", "HEAD"], env, capture=True)
    return {"path": x["path"], "commits": n, "head": head,
            "open_markers": len(where), **stats}


# ---------------------------------------------------------------- --touch


def touch(a):
    out = os.path.abspath(a.out_dir)
    try:
        with open(os.path.join(out, "fleet.json")) as f:
            fleet = json.load(f)
    except (OSError, ValueError) as e:
        die(f"{out}/fleet.json: {e} (generate the fleet first)")
    log = os.path.join(out, "touched.txt")
    rounds = 0
    if os.path.exists(log):
        with open(log) as f:
            rounds = sum(1 for ln in f if ln.startswith("round "))
    paths = [x["path"] for x in fleet["repos"]]
    if not 1 <= a.touch <= len(paths):
        die(f"--touch must be between 1 and {len(paths)}")
    r = random.Random(f"touch-{fleet['seed']}-{rounds}")
    chosen = sorted(r.sample(paths, a.touch))
    env = clean_env()
    for p in chosen:
        gd = os.path.join(out, p)
        last = int(git(["--git-dir", gd, "log", "-1", "--format=%ct", "HEAD"], env, capture=True))
        ts = last + 3600
        body = (f"# change {rounds + 1}\n\nTODO PIR(INC-{9000 + rounds}): "
                f"follow up on change {rounds + 1}\n").encode()
        msg = f"Change {rounds + 1}\n".encode()
        stream = (f"commit refs/heads/main\nauthor {NAME} <{EMAIL}> {ts} +0000\n"
                  f"committer {NAME} <{EMAIL}> {ts} +0000\n").encode()
        stream += b"data %d\n%s\n" % (len(msg), msg)
        stream += b"from refs/heads/main^0\n"
        stream += f"M 100644 inline changes/change-{rounds + 1:03d}.md\n".encode()
        stream += b"data %d\n%s\ndone\n" % (len(body), body)
        res = subprocess.run(["git", "fast-import", "--quiet", "--done"], cwd=gd, env=env,
                             input=stream)
        if res.returncode != 0:
            die(f"{gd}: git fast-import failed (exit {res.returncode})", 1)
    with open(log, "a") as f:
        f.write(f"round {rounds + 1}: " + " ".join(chosen) + "\n")
    for p in chosen:
        print(os.path.join(out, p))


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description="Generate a synthetic fleet of bare repositories.")
    ap.add_argument("out_dir", metavar="OUT_DIR")
    ap.add_argument("--repos", type=int, default=1000, help="repositories (default 1000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="processes (default 2, or 1 on one core)")
    ap.add_argument("--min-commits", type=int, default=50, help="default 50")
    ap.add_argument("--max-commits", type=int, default=1500, help="default 1500")
    ap.add_argument("--repack", action="store_true", help="git repack -ad each repository")
    ap.add_argument("--touch", type=int, metavar="K",
                    help="add one commit to K repositories of an existing fleet")
    a = ap.parse_args()
    if not shutil.which("git"):
        die("git not found in PATH", 1)
    if a.touch is not None:
        touch(a)
        return
    if a.repos < 1 or a.jobs < 1 or not 2 <= a.min_commits <= a.max_commits:
        die("--repos and --jobs must be >= 1, 2 <= --min-commits <= --max-commits")
    if os.path.exists(a.out_dir) and (not os.path.isdir(a.out_dir) or os.listdir(a.out_dir)):
        die(f"{a.out_dir}: exists and is not an empty directory")
    out = os.path.abspath(a.out_dir)
    os.makedirs(out, exist_ok=True)

    t0 = time.monotonic()
    plan = make_plan(a)
    items = plan["items"]
    jobs = [(x, {e[2]: items[e[2]] for e in x["events"] if e[2] in items}, plan["teams"], out,
             a.repack) for x in plan["repos"]]
    if a.jobs == 1:
        results = [gen_repo(j) for j in jobs]
    else:
        with multiprocessing.Pool(a.jobs) as pool:
            results = pool.map(gen_repo, jobs, chunksize=4)
    t1 = time.monotonic()

    with open(os.path.join(out, "repos.txt"), "w") as f:
        f.write(f"# {len(results)} repositories made by gen-fleet.py --repos {a.repos} "
                f"--seed {a.seed}\n")
        for res in results:
            f.write(os.path.join(out, res["path"]) + "\n")
    with open(os.path.join(out, "pirscan.yml"), "w") as f:
        f.write("# the fleet's configuration (gen-fleet.py): use with --config\n")
        f.write(teams_yaml(plan["teams"]))
    tot = {k: sum(res[k] for res in results) for k in ("commits", "entries", "markers", "merges")}
    with open(os.path.join(out, "fleet.json"), "w") as f:
        json.dump({"seed": a.seed, "repos": results, "totals": tot,
                   "teams": len(plan["teams"]), "incidents": len(plan["incidents"])}, f, indent=1)
        f.write("\n")
    names = {}
    for res in results:
        base = res["path"].split("/")[-1]
        names[base] = names.get(base, 0) + 1
    dups = sorted(k for k, v in names.items() if v > 1)
    digest = subprocess.run(["git", "hash-object", "--stdin"], input="".join(
        res["head"] + "\n" for res in results).encode(), stdout=subprocess.PIPE,
        env=clean_env()).stdout.decode().strip()
    print(f"fleet          {out}")
    print(f"repositories   {len(results)} in {len(ORGS)} org folders; "
          f"{len(dups)} folder names used twice ({', '.join(dups[:6])}{'...' if len(dups) > 6 else ''})")
    print(f"commits        {tot['commits']} ({tot['merges']} merges), "
          f"{min(x['commits'] for x in results)} to {max(x['commits'] for x in results)} a repository")
    print(f"action items   {tot['entries']} entries in "
          f"{sum(1 for x in plan['repos'] if x['has_yml'])} repositories; "
          f"{tot['markers']} markers written in {sum(1 for x in plan['repos'] if x['has_markers'])}; "
          f"{len(plan['incidents'])} incidents shared")
    print(f"teams          {len(plan['teams'])} in {out}/pirscan.yml")
    print(f"list           {out}/repos.txt")
    print(f"heads digest   {digest} (same arguments, same digest)")
    print(f"time           {t1 - t0:.1f}s with {a.jobs} processes")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        die(str(e), 1)
