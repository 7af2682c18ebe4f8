#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README's install command names exactly the packages CI installs (.ci/packages),
so that a new user's first command keeps working."""
import re
import sys


def main(root):
    with open(root + "/README.md", encoding="utf-8") as f:
        readme = f.read()
    with open(root + "/.ci/packages", encoding="utf-8") as f:
        ci = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    m = re.search(r"apt-get install -y ([^&\n]+)", readme)
    if not m:
        print("README.md has no apt-get install command")
        print("0 passed, 1 failed")
        return 1
    readme_pkgs = set(m.group(1).split())
    failed = 0
    for name, missing in (("README.md", ci - readme_pkgs), (".ci/packages", readme_pkgs - ci)):
        if missing:
            print("missing from %s: %s" % (name, " ".join(sorted(missing))))
            failed += 1
    print("%d passed, %d failed" % (2 - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
