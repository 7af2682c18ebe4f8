#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every package list in the repository covers what meson.build needs.

pirscan is installed from Debian's packages in several places: the README's
first command, CI (.ci/packages) and each CI template under contrib/ (they build
pirscan from source on a fresh runner). These lists drifted once (libdeflate and
libcurl were missing from the templates, which then failed at `meson setup`).
This test reads the dependencies meson.build declares and checks that every
`apt-get install` command in README.md and contrib/, and .ci/packages, installs
a Debian package for each of them, and the build tools. It also checks that the
README's command and .ci/packages name the same packages, and, where dpkg knows
the pkg-config files, that the table below names the package that ships them,
and that the systemd unit and the cron job run pirscan where `meson install`
(default prefix) puts it.

  packages_test.py SOURCE_ROOT
"""
import glob
import os
import re
import subprocess
import sys

# pkg-config name (meson's dependency()) -> Debian packages that provide it (any one).
PROVIDERS = {
    "libgit2": {"libgit2-dev"},
    "yaml-0.1": {"libyaml-dev"},
    "libpcre2-8": {"libpcre2-dev"},
    "libdeflate": {"libdeflate-dev"},
    "zlib": {"zlib1g-dev"},
    "libcurl": {"libcurl4-openssl-dev", "libcurl4-gnutls-dev", "libcurl4-nss-dev"},
    "sqlite3": {"libsqlite3-dev"},
    "libcrypto": {"libssl-dev"},
}
NOT_PACKAGES = {"threads"}  # meson's own: the C library
BUILD_TOOLS = [{"build-essential", "gcc"}, {"meson"}, {"ninja-build"}, {"pkg-config", "pkgconf"}]
PKG = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


def meson_dependencies(root):
    names = set()
    for path in [os.path.join(root, "meson.build")] + glob.glob(os.path.join(root, "src", "**", "meson.build"), recursive=True):
        with open(path, encoding="utf-8") as f:
            for m in re.finditer(r"\bdependency\(\s*'([^']+)'", f.read()):
                names.add(m.group(1))
    return names - NOT_PACKAGES


def install_commands(text):
    """The package names of each `apt-get install` in text (shell or YAML)."""
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        if not re.search(r"\bapt-get\s+install\b", line):
            continue
        prev = lines[i - 1].rstrip() if i else ""
        folded = re.search(r"(^|\s)>-?$", prev) is not None  # a YAML folded scalar
        indent = len(line) - len(line.lstrip())
        words = line[re.search(r"\bapt-get\s+install\b", line).end():].split()
        j = i
        while True:
            cont = lines[j].rstrip().endswith("\\")
            if not cont and folded and j + 1 < len(lines):
                nxt = lines[j + 1]
                cont = (nxt.strip() != "" and len(nxt) - len(nxt.lstrip()) == indent
                        and not nxt.lstrip().startswith("- "))
            if not cont or j + 1 >= len(lines):
                break
            j += 1
            words += lines[j].split()
        pkgs = []
        for w in words:
            if w in ("&&", "||", ";", "|") or w.endswith(";"):
                break
            if w == "\\" or w.startswith("-") or w.startswith("$"):
                continue
            if PKG.match(w):
                pkgs.append(w)
        found.append((i + 1, set(pkgs)))
    return found


def main(root):
    failed = passed = 0

    def check(name, ok, msg):
        nonlocal failed, passed
        if ok:
            passed += 1
        else:
            failed += 1
            print("%s: %s" % (name, msg))

    deps = meson_dependencies(root)
    unknown = sorted(d for d in deps if d not in PROVIDERS)
    check("meson.build", not unknown,
          "no Debian package known for dependency %s: add it to PROVIDERS in %s" % (
              ", ".join(unknown), os.path.basename(__file__)))
    need = [PROVIDERS[d] for d in sorted(deps) if d in PROVIDERS] + BUILD_TOOLS

    # The table agrees with dpkg, where this machine has the package installed.
    for d in sorted(deps):
        if d not in PROVIDERS:
            continue
        try:
            out = subprocess.run(["dpkg", "-S", "/usr/*/pkgconfig/%s.pc" % d], capture_output=True,
                                 text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        owners = {l.split(":")[0] for l in out.splitlines() if ":" in l}
        if owners:
            check("dpkg", owners & PROVIDERS[d], "%s.pc is shipped by %s, not by %s" % (
                d, " ".join(sorted(owners)), " or ".join(sorted(PROVIDERS[d]))))

    lists = []
    with open(os.path.join(root, ".ci", "packages"), encoding="utf-8") as f:
        ci = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    lists.append((".ci/packages", ci))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme_cmds = install_commands(f.read())
    check("README.md", len(readme_cmds) >= 1, "no apt-get install command")
    for line, pkgs in readme_cmds:
        lists.append(("README.md:%d" % line, pkgs))
    if readme_cmds:
        readme = readme_cmds[0][1]
        check("README.md", not (ci - readme), "missing from the README's command (in .ci/packages): "
              + " ".join(sorted(ci - readme)))
        check(".ci/packages", not (readme - ci), "missing from .ci/packages (in the README's command): "
              + " ".join(sorted(readme - ci)))
    templates = 0
    for path in sorted(glob.glob(os.path.join(root, "contrib", "**", "*"), recursive=True)):
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            cmds = install_commands(f.read())
        rel = os.path.relpath(path, root)
        for line, pkgs in cmds:
            templates += 1
            lists.append(("%s:%d" % (rel, line), pkgs))
    check("contrib", templates >= 3, "expected the GitHub and GitLab templates' install commands, found %d" % templates)

    for name, pkgs in lists:
        missing = [" or ".join(sorted(alts)) for alts in need if not alts & pkgs]
        check(name, not missing, "does not install " + ", ".join(missing))
    # The scheduled jobs call pirscan where `meson install` puts it (the default prefix).
    installed = "/usr/local/bin/pirscan"
    with open(os.path.join(root, "contrib", "systemd", "pirscan-report.service"), encoding="utf-8") as f:
        execs = [l.split("=", 1)[1].split()[0] for l in f if l.startswith("ExecStart=")]
    check("contrib/systemd", execs == [installed], "ExecStart runs %s, meson install puts pirscan at %s" % (
        execs, installed))
    with open(os.path.join(root, "contrib", "cron", "pirscan-report"), encoding="utf-8") as f:
        paths = [l.split("=", 1)[1].strip().split(":") for l in f if l.startswith("PATH=")]
    check("contrib/cron", paths and os.path.dirname(installed) in paths[0],
          "PATH does not hold %s" % os.path.dirname(installed))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
