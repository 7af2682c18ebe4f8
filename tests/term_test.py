#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The table on a real terminal (a pseudo-terminal): fitted to its width,
$COLUMNS over the terminal's own, colour unless NO_COLOR or TERM=dumb.

  term_test.py PIRSCAN FIXTURES
"""
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import unicodedata

ARGS = ["-q", "--as-of", "2026-11-22", "wide", "svc", "postmortems"]
ESC = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def width(line):
    line = ESC.sub("", line)
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def run_tty(pirscan, fixtures, cols, **env_extra):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "TERM")}
    env.update(TZ="UTC", LC_ALL="C", TERM="xterm-256color")
    env.update(env_extra)
    p = subprocess.Popen([pirscan] + ARGS, cwd=fixtures, env=env, stdin=subprocess.DEVNULL,
                         stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    p.wait(timeout=60)
    if p.returncode != 0:
        sys.exit("pirscan exited %d: %s" % (p.returncode, p.stderr.read().decode()))
    p.stderr.close()
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def main():
    pirscan, fixtures = os.path.abspath(sys.argv[1]), sys.argv[2]
    failures = []

    def check(cond, what):
        print("ok  " if cond else "FAIL", what)
        if not cond:
            failures.append(what)

    for cols in (80, 120):
        out = run_tty(pirscan, fixtures, cols)
        widest = max(width(l) for l in out.splitlines())
        check(widest <= cols, "%d columns: widest line %d" % (cols, widest))
        check(widest > cols - 10, "%d columns: the table uses the width (%d)" % (cols, widest))
        check("\u2026" in out, "%d columns: long text elided with an ellipsis" % cols)
        check("\x1b[" in out, "%d columns: colour on a terminal" % cols)
    out = run_tty(pirscan, fixtures, 120, COLUMNS="100")
    widest = max(width(l) for l in out.splitlines())
    check(widest <= 100 and widest > 90, "COLUMNS=100 wins over a 120-column terminal (%d)" % widest)
    out = run_tty(pirscan, fixtures, 80, TERM="dumb")
    check("\x1b" not in out, "TERM=dumb: no escape sequences")
    out = run_tty(pirscan, fixtures, 80, NO_COLOR="1")
    check("\x1b" not in out, "NO_COLOR: no escape sequences")
    out = run_tty(pirscan, fixtures, 80, TERM="dumb", COLUMNS="80")
    check("\x1b" not in out, "TERM=dumb with --color auto and COLUMNS: no escape sequences")
    # piped, without COLUMNS: every character, one line per item
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    env.update(TZ="UTC", LC_ALL="C", TERM="xterm-256color")
    piped = subprocess.run([pirscan] + ARGS, cwd=fixtures, env=env, capture_output=True,
                           check=True).stdout.decode()
    check("\u2026" not in piped and "\x1b" not in piped and
          "before the nightly payout run starts" in piped, "piped: the full text, no colour")
    if failures:
        sys.exit("%d failed" % len(failures))


if __name__ == "__main__":
    main()
