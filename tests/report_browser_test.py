#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The HTML report in a real browser engine: headless Chromium renders it.

Usage: report_browser_test.py PIRSCAN FIXTURES OUTPNG

Runs `PIRSCAN report --as-of 2026-11-22 --format html FIXTURES/svc
FIXTURES/postmortems`, then with headless Chromium takes a screenshot
(written to OUTPNG, checked: a PNG of the window's size, not one flat
colour), dumps the DOM (checked: the groups, the charts, no script) and
watches the console (no errors). Exits 77 (skipped) when no Chromium is
found, unless PIRSCAN_REQUIRE_BROWSER=1. Prints "N passed, M failed" last.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

WIDTH, HEIGHT = 800, 2400
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
            "chrome", "headless_shell")
# Two groups of svc + postmortems by team: an entry's own team, and the rest.
GROUPS = ("payments", "unassigned")

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, file=sys.stderr)
    return ok


def find_browser():
    env = os.environ.get("CHROMIUM")
    if env:
        return shutil.which(env) or (env if os.access(env, os.X_OK) else None)
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def browser(exe, profile, args, url):
    """Run headless Chromium on `url`; return (status, stdout, stderr) as text."""
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-extensions", "--hide-scrollbars",
           "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"] + args + [url]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    except subprocess.TimeoutExpired:
        return -1, "", "timed out"
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def console_errors(log):
    return [line for line in log.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line]


def png_info(data):
    """(width, height, distinct): distinct is True when not every pixel is the same.

    Decodes 8-bit RGB/RGBA (what Chromium writes) with the stdlib only; stops at
    the first pixel that differs from the first one.
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
        pos += 12 + length
    if not ihdr:
        raise ValueError("no IHDR")
    width, height, depth, colour, _, _, interlace = ihdr
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or not channels or interlace:
        raise ValueError("unexpected PNG kind: depth %d colour %d interlace %d"
                         % (depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    prev = bytearray(stride)
    first = None
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        if first is None:
            first = bytes(line[:channels])
        if line != first * width:
            return width, height, True
        prev = line
    return width, height, False


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    pirscan, fixtures, outpng = sys.argv[1:]
    exe = find_browser()
    if not exe:
        if os.environ.get("PIRSCAN_REQUIRE_BROWSER") == "1":
            check(False, "no Chromium found (PIRSCAN_REQUIRE_BROWSER=1)")
            print("%d passed, %d failed" % (passed, failed))
            return 1
        print("skipped: no Chromium found (install the chromium package)")
        return 77

    p = subprocess.run([pirscan, "report", "--as-of", "2026-11-22", "--format", "html",
                        os.path.join(fixtures, "svc"), os.path.join(fixtures, "postmortems")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if not check(p.returncode == 0, "pirscan report exited %d: %s"
                 % (p.returncode, p.stderr.decode("utf-8", "replace").strip())):
        print("%d passed, %d failed" % (passed, failed))
        return 1
    html = p.stdout.decode("utf-8")
    check(html.startswith("<!DOCTYPE html>"), "the report is an HTML5 document")
    check("<script" not in html.lower(), "the report has no script")

    work = tempfile.mkdtemp(prefix="pirscan-browser-")
    try:
        page = os.path.join(work, "report.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(html)
        url = "file://" + page

        # the screenshot
        shot = os.path.join(work, "shot.png")
        status, _, log = browser(exe, os.path.join(work, "profile1"),
                                 ["--window-size=%d,%d" % (WIDTH, HEIGHT),
                                  "--screenshot=" + shot], url)
        check(status == 0, "chromium --screenshot exited %d: %s" % (status, log[-500:]))
        check(not console_errors(log), "console errors: %s" % console_errors(log))
        if check(os.path.exists(shot), "the screenshot was written"):
            with open(shot, "rb") as f:
                data = f.read()
            shutil.copyfile(shot, outpng)
            check(len(data) > 8 * 1024, "the screenshot is %d bytes, expected more" % len(data))
            try:
                w, h, distinct = png_info(data)
                check((w, h) == (WIDTH, HEIGHT), "screenshot size %dx%d" % (w, h))
                check(distinct, "the screenshot is one flat colour")
            except (ValueError, zlib.error, struct.error) as e:
                check(False, "the screenshot does not decode: %s" % e)

        # the DOM, as the browser built it
        status, dom, log = browser(exe, os.path.join(work, "profile2"),
                                   ["--dump-dom", "--window-size=%d,%d" % (WIDTH, HEIGHT)], url)
        check(status == 0, "chromium --dump-dom exited %d: %s" % (status, log[-500:]))
        check(not console_errors(log), "console errors: %s" % console_errors(log))
        for g in GROUPS:
            check(">%s</h2>" % g in dom, "the DOM has the group %s" % g)
        check(dom.count("<svg") == 2 * dom.count("<h2") and dom.count("<h2") >= len(GROUPS),
              "the DOM has %d charts for %d groups, expected two per group"
              % (dom.count("<svg"), dom.count("<h2")))
        check("<title>Post-incident action items" in dom, "the DOM has the document's title")
        check("PIR-2026-01-04-001" in dom, "the DOM has the overdue item")
        check("<script" not in dom.lower(), "the DOM has no script")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
