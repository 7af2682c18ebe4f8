#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pirscan report --send against a real SMTP server on 127.0.0.1, and --sendmail.

usage: smtp_test.py PIRSCAN FIXTURES

The server is aiosmtpd (Debian python3-aiosmtpd), run in this process on a
free loopback port, with a login that must match and, for the TLS cases, a
self-signed certificate made now with the openssl command (those cases are
skipped without it). The messages it receives are read back with Python's
email package. Exit 77 (skip) when aiosmtpd is missing, unless
PIRSCAN_REQUIRE_SMTP=1.
"""
import email
import email.policy
import logging
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import warnings
from email.utils import getaddresses

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:
    if os.environ.get("PIRSCAN_REQUIRE_SMTP") == "1":
        print("python3-aiosmtpd is missing and PIRSCAN_REQUIRE_SMTP=1", file=sys.stderr)
        sys.exit(1)
    print("skip: python3-aiosmtpd is not installed")
    sys.exit(77)

logging.getLogger("mail.log").setLevel(logging.CRITICAL)
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

PIRSCAN, FIXTURES = sys.argv[1], sys.argv[2]
REPOS = [os.path.join(FIXTURES, "svc"), os.path.join(FIXTURES, "postmortems")]
USER, PASSWORD = "pirscan", "s3cret pass"
TEAMS = {
    "payments": ["payments-oncall@example.com", "payments-leads@example.com"],
    "platform": ["platform@example.com"],
    "data": ["data@example.com"],
}
SUBJECT = re.compile(r"^\[pirscan\] (\S+): (\d+) overdue, (\d+) due soon, (\d+) open \(2026-11-22\)$")

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)
    return cond


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps what it is given; refuses the recipients in `reject` with 550."""

    def __init__(self, reject=()):
        self.reject = set(reject)
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({
            "from": envelope.mail_from,
            "rcpt": list(envelope.rcpt_tos),
            "data": envelope.original_content or envelope.content,
            "tls": session.ssl is not None  # STARTTLS
            or server.transport.get_extra_info("ssl_object") is not None,  # smtps
            "auth": session.authenticated,
        })
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


class Server:
    def __init__(self, reject=(), starttls=None, implicit_tls=None, recorder=None):
        self.recorder = recorder or Recorder(reject)
        self.port = free_port()
        # aiosmtpd 1.4 offers no AUTH on implicit TLS when it requires TLS for AUTH
        kw = dict(hostname="127.0.0.1", port=self.port, authenticator=authenticator,
                  auth_required=True, auth_require_tls=bool(starttls))
        if starttls:
            kw.update(tls_context=starttls, require_starttls=True)
        if implicit_tls:
            kw.update(ssl_context=implicit_tls)
        self.controller = Controller(self.recorder, **kw)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.recorder.messages


def run(args, env_extra=None, home=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIRSCAN_")}
    env["HOME"] = home or WORK  # never the user's ~/.netrc
    env["SOURCE_DATE_EPOCH"] = "1795327200"
    env.update(PIRSCAN_CONFIG_SYSTEM="", PIRSCAN_CONFIG_USER="")  # not the host's files
    env.update(env_extra or {})
    p = subprocess.run([PIRSCAN, "report", "--as-of", "2026-11-22", "--config", CONFIG] + args,
                       capture_output=True, env=env, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def parse(data):
    return email.message_from_bytes(data, policy=email.policy.default)


def check_message(msg, raw, team, envelope_rcpt=None):
    """One team's message: structure, encoding, headers, counts, items."""
    name = "message for " + team
    bare = raw.replace(b"\r\n", b"")
    check(b"\n" not in bare and b"\r" not in bare, name + ": a bare LF or CR")
    check(all(len(line) <= 998 for line in raw.splitlines()), name + ": a line over 998 bytes")
    check(msg.get_content_type() == "multipart/alternative", name + ": not multipart/alternative")
    parts = list(msg.iter_parts())
    check([p.get_content_type() for p in parts] == ["text/plain", "text/html"],
          name + ": parts are %r" % [p.get_content_type() for p in parts])
    for p in parts:
        check(p.get_content_charset() == "utf-8", name + ": charset " + str(p.get_content_charset()))
        check(p["Content-Transfer-Encoding"] == "quoted-printable", name + ": not quoted-printable")
    check(not msg.defects and all(not p.defects for p in parts), name + ": defects %r" % msg.defects)
    to = sorted(a for _, a in getaddresses([str(msg["To"])]))
    check(to == sorted(TEAMS[team]), name + ": To %r" % to)
    if envelope_rcpt is not None:
        check(sorted(envelope_rcpt) == sorted(TEAMS[team]), name + ": RCPT %r" % envelope_rcpt)
    check(getaddresses([str(msg["From"])]) == [("pirscan", "pirscan@example.com")],
          name + ": From " + str(msg["From"]))
    check(msg["Date"] == "Sun, 22 Nov 2026 06:00:00 +0000", name + ": Date " + str(msg["Date"]))
    check(re.match(r"^<pirscan\.20261122\.[A-Za-z0-9-]+\.[0-9a-f]{16}@example\.com>$",
                   str(msg["Message-ID"])) is not None, name + ": Message-ID " + str(msg["Message-ID"]))
    m = SUBJECT.match(str(msg["Subject"]))
    check(m is not None and m.group(1) == team, name + ": Subject " + str(msg["Subject"]))
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    if team == "payments":
        # PIR-2026-01-04-001 (team: payments) and PIR-2026-02-20-001 (@dave) are overdue
        check(m is not None and m.groups()[1:] == ("2", "0", "2"),
              name + ": counts in " + str(msg["Subject"]))
        for item in ("PIR-2026-01-04-001", "PIR-2026-02-20-001"):
            check(item in text and item in html, name + ": %s not in both parts" % item)
    else:
        check("PIR-2026-01-04-001" not in text, name + ": another team's item")
    check(html.lstrip().lower().startswith("<!doctype html"), name + ": HTML part")


def by_team(messages):
    out = {}
    for m in messages:
        msg = parse(m["data"])
        subject = SUBJECT.match(str(msg["Subject"]))
        out[subject.group(1) if subject else "?"] = (m, msg)
    return out


def sending_args(port, extra=()):
    return (["--format", "email", "--send", "--smtp-url", "smtp://127.0.0.1:%d" % port,
             "--smtp-insecure", "--from", "pirscan <pirscan@example.com>"] + list(extra) + REPOS)


def test_plain_delivery():
    with Server() as srv:
        rc, out, err = run(sending_args(srv.port), {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 0, "plain: exit %d: %s" % (rc, err))
        check("sent 3 of 3 messages" in err, "plain: summary: " + err)
        check("skipped (no address): " in err and "unassigned" in err, "plain: skipped groups: " + err)
        got = by_team(srv.messages)
        check(sorted(got) == sorted(TEAMS), "plain: teams %r" % sorted(got))
        for team, (m, msg) in got.items():
            if team in TEAMS:
                check(m["from"] == "pirscan@example.com", "plain: MAIL FROM " + m["from"])
                check(m["auth"], "plain: not authenticated")
                check_message(msg, m["data"], team, m["rcpt"])


def test_config_and_netrc():
    """URL and user from the configuration, the password from ~/.netrc."""
    with Server() as srv:
        home = tempfile.mkdtemp(dir=WORK)
        with open(os.path.join(home, ".netrc"), "w") as f:
            # another login first: the entry of the configured user must be the one used
            f.write('machine 127.0.0.1 login other password wrong\n')
            f.write('machine 127.0.0.1 login %s password "%s"\n' % (USER, PASSWORD))
        os.chmod(os.path.join(home, ".netrc"), 0o600)
        write_config(CONFIG, "smtp://127.0.0.1:%d" % srv.port)
        rc, out, err = run(["--format", "email", "--send", "--smtp-insecure"] + REPOS, home=home)
        write_config(CONFIG, None)
        check(rc == 0 and len(srv.messages) == 3, "netrc: exit %d, %d messages: %s" % (rc, len(srv.messages), err))


def test_wrong_password():
    with Server() as srv:
        rc, out, err = run(sending_args(srv.port), {"PIRSCAN_SMTP_PASSWORD": "wrong"})
        check(rc == 1, "wrong password: exit %d" % rc)
        check("sent 0 of 3 messages" in err and "failed: " in err, "wrong password: summary: " + err)
        check(not srv.messages, "wrong password: something was delivered")


def test_rejected_recipient():
    with Server(reject={"platform@example.com"}) as srv:
        rc, out, err = run(sending_args(srv.port), {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 1, "rejected: exit %d" % rc)
        summary = [line for line in err.splitlines() if line.startswith("pirscan report: ")]
        check(len(summary) == 1 and "sent 2 of 3 messages" in summary[0]
              and re.search(r"failed: platform \(.*550", summary[0]) is not None,
              "rejected: summary %r" % summary)
        got = by_team(srv.messages)
        check(sorted(got) == ["data", "payments"], "rejected: delivered to %r" % sorted(got))


def test_group_retry():
    """--group sends again to the teams that failed, and only to them."""
    with Server() as srv:
        rc, out, err = run(sending_args(srv.port, ["--group", "platform", "--group=data"]),
                           {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 0 and "sent 2 of 2 messages" in err, "--group: exit %d: %s" % (rc, err))
        check("unassigned" not in err, "--group: other groups mentioned: " + err)
        got = by_team(srv.messages)
        check(sorted(got) == ["data", "platform"], "--group: delivered to %r" % sorted(got))
        rc, out, err = run(sending_args(srv.port, ["--group", "platfrom"]),
                           {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 2 and "did you mean 'platform'?" in err and len(srv.messages) == 2,
              "--group typo: exit %d: %s" % (rc, err))


def test_starttls_required():
    with Server() as srv:
        args = [a for a in sending_args(srv.port) if a != "--smtp-insecure"]
        rc, out, err = run(args, {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 1, "no STARTTLS: exit %d" % rc)
        check("sent 0 of 3" in err and "STARTTLS" in err.upper(), "no STARTTLS: summary: " + err)
        check("offers no STARTTLS" in err and "hint: --smtp-insecure lets smtp://" in err,
              "no STARTTLS: no hint: " + err)
        check(not srv.messages, "no STARTTLS: delivered in plain text")


class Refuser(Recorder):
    async def handle_DATA(self, server, session, envelope):
        return "554 5.7.1 Message refused: looks like spam"


def test_refused_after_data():
    """A 554 after DATA shows as the server's reply, code and text, not "Weird server reply"."""
    with Server(recorder=Refuser()) as srv:
        rc, out, err = run(sending_args(srv.port), {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 1 and "sent 0 of 3" in err, "554: exit %d: %s" % (rc, err))
        check("554 5.7.1 Message refused: looks like spam" in err, "554: reply not shown: " + err)
        check("Weird server reply" not in err, "554: curl's words: " + err)


class StallingServer:
    """An SMTP server that takes the whole message and then never answers
    (at_quit: that accepts it, and then never answers QUIT)."""

    def __init__(self, at_quit=False):
        self.at_quit = at_quit
        import threading
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stalled = 0
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            f = conn.makefile("rb")
            try:
                conn.sendall(b"220 stall.example ESMTP\r\n")
                in_data = in_auth = False
                for line in f:
                    if in_auth:
                        in_auth = False
                        conn.sendall(b"235 ok\r\n")  # any credentials
                        continue
                    if in_data:
                        if line == b".\r\n":
                            self.stalled += 1
                            if not self.at_quit:
                                break  # ... and say nothing, keeping the connection open
                            in_data = False
                            conn.sendall(b"250 queued\r\n")
                        continue
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        conn.sendall(b"250-stall.example\r\n250 AUTH PLAIN\r\n")
                    elif verb == b"AUTH":
                        in_auth = len(line.split()) < 3
                        conn.sendall(b"334 \r\n" if in_auth else b"235 ok\r\n")
                    elif verb == b"DATA":
                        in_data = True
                        conn.sendall(b"354 go on\r\n")
                    elif line.startswith(b"QUIT"):
                        if not self.at_quit:
                            conn.sendall(b"221 bye\r\n")
                        break
                    else:
                        conn.sendall(b"250 ok\r\n")
            except OSError:
                pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.close()
        for c in self.conns:
            c.close()


def test_stalled_server():
    """A server that never answers after DATA: each message gives up after the timeout."""
    with StallingServer() as srv:
        # the subprocess limit of 120 s is what trips if the timeout does not
        rc, out, err = run(sending_args(srv.port, ["--smtp-timeout", "1"]),
                           {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 1 and "sent 0 of 3" in err, "stalled: exit %d: %s" % (rc, err))
        check("timed out: the delivery took more than 1 second; the server's last reply: 354 go on"
              in err, "stalled: message: " + err)
        check(srv.stalled == 3, "stalled: %d messages reached the end of DATA" % srv.stalled)
        # report.smtp_timeout in the configuration does the same
        path = os.path.join(WORK, "timeout.yml")
        with open(CONFIG) as f:
            conf = f.read()
        with open(path, "w") as f:
            f.write(conf + "  smtp_timeout: 1\n")
        rc, out, err = run(sending_args(srv.port, ["--config", path]), {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 1 and err.count("timed out: the delivery took more than 1 second") >= 3,
              "stalled, smtp_timeout: exit %d: %s" % (rc, err))
    # a server that never answers QUIT: the messages are sent, and the wait for QUIT is bounded
    with StallingServer(at_quit=True) as srv:
        rc, out, err = run(sending_args(srv.port, ["--smtp-timeout", "1"]),
                           {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 0 and "sent 3 of 3" in err and srv.stalled == 3,
              "stalled at QUIT: exit %d, %d messages: %s" % (rc, srv.stalled, err))
    rc, out, err = run(sending_args(1, ["--smtp-timeout", "0"]))
    check(rc == 2 and "--smtp-timeout: expected whole seconds" in err, "--smtp-timeout 0: %d: %s" % (rc, err))


def make_cert():
    if not shutil.which("openssl"):
        return None
    cert, key = os.path.join(WORK, "cert.pem"), os.path.join(WORK, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True)
    if p.returncode != 0:
        print("note: openssl could not make a certificate: " + p.stderr.decode(errors="replace"))
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return cert, ctx


def test_tls(cert):
    path, ctx = cert
    env = {"PIRSCAN_SMTP_PASSWORD": PASSWORD}
    base = ["--format", "email", "--send", "--from", "pirscan <pirscan@example.com>"]
    with Server(starttls=ctx) as srv:
        url = "smtp://127.0.0.1:%d" % srv.port
        rc, out, err = run(base + ["--smtp-url", url, "--smtp-ca-file", path] + REPOS, env)
        check(rc == 0 and len(srv.messages) == 3, "STARTTLS: exit %d, %d messages: %s"
              % (rc, len(srv.messages), err))
        check(all(m["tls"] and m["auth"] for m in srv.messages), "STARTTLS: not over TLS")
        # an untrusted certificate is refused
        n = len(srv.messages)
        rc, out, err = run(base + ["--smtp-url", url] + REPOS, env)
        check(rc == 1 and len(srv.messages) == n, "STARTTLS untrusted: exit %d: %s" % (rc, err))
    with Server(implicit_tls=ctx) as srv:
        url = "smtps://127.0.0.1:%d" % srv.port
        rc, out, err = run(base + ["--smtp-url", url, "--smtp-ca-file", path] + REPOS, env)
        check(rc == 0 and len(srv.messages) == 3 and all(m["tls"] for m in srv.messages),
              "smtps: exit %d, %d messages: %s" % (rc, len(srv.messages), err))


def test_sendmail():
    d = tempfile.mkdtemp(dir=WORK)
    script = os.path.join(d, "sendmail")
    with open(script, "w") as f:
        f.write('#!/bin/sh\nn=$(ls "%s" | wc -l)\nprintf "%%s\\n" "$@" > "%s/args.$n"\n'
                'cat > "%s/msg.$n"\n' % (os.path.join(d, "out"), os.path.join(d, "out"),
                                         os.path.join(d, "out")))
    os.chmod(script, 0o755)
    os.mkdir(os.path.join(d, "out"))
    rc, out, err = run(["--format", "email", "--sendmail", script, "--from",
                        "pirscan <pirscan@example.com>"] + REPOS)
    check(rc == 0, "sendmail: exit %d: %s" % (rc, err))
    files = sorted(os.listdir(os.path.join(d, "out")))
    msgs = [f for f in files if f.startswith("msg.")]
    check(len(msgs) == 3, "sendmail: %d messages" % len(msgs))
    teams = []
    for name in msgs:
        with open(os.path.join(d, "out", name), "rb") as f:
            raw = f.read()
        with open(os.path.join(d, "out", name.replace("msg.", "args.")), "rb") as f:
            args = f.read().decode().split()
        check(args == ["-t", "-oi"], "sendmail: arguments %r" % args)
        check(b"\r" not in raw, "sendmail: CR in its input")
        msg = parse(raw)
        m = SUBJECT.match(str(msg["Subject"]))
        teams.append(m.group(1) if m else "?")
        if m:
            check_message(msg, raw.replace(b"\n", b"\r\n"), m.group(1))
    check(sorted(teams) == sorted(TEAMS), "sendmail: teams %r" % teams)


def test_usage():
    rc, out, err = run(["--format", "email", "--send", "--smtp-password", "x"] + REPOS)
    check(rc == 2 and "PIRSCAN_SMTP_PASSWORD" in err, "--smtp-password: exit %d: %s" % (rc, err))
    write_config(CONFIG, None, sender=False)
    rc, out, err = run(["--format", "email"] + REPOS)
    write_config(CONFIG, None)
    check(rc == 2 and "--from" in err, "no sender: exit %d: %s" % (rc, err))
    rc, out, err = run(["--format", "email", "--send", "--from", "a@example.com"] + REPOS)
    check(rc == 2 and "--smtp-url" in err, "no server: exit %d: %s" % (rc, err))
    rc, out, err = run(["--format", "email", "--from", "bad\naddress <x>"] + REPOS)
    check(rc == 2, "bad --from: exit %d: %s" % (rc, err))
    rc, out, err = run(["--format", "email", "--sendmail=" + os.path.join(WORK, "none")] + REPOS)
    check(rc == 2 and "not an executable" in err, "--sendmail missing: exit %d: %s" % (rc, err))
    rc, out, err = run(["--send", "--from", "a@example.com", "--smtp-url",
                        "smtp://u:pw@127.0.0.1:25"] + REPOS)
    check(rc == 2 and "no user or password in the URL" in err, "credentials in URL: %d: %s" % (rc, err))
    rc, out, err = run(["--format", "email", "--group-by", "owner"] + REPOS)
    check(rc == 2 and "--group-by team" in err, "email by owner: exit %d: %s" % (rc, err))
    rc, out, err = run(["--format", "html", "--send"] + REPOS)
    check(rc == 2 and "--format email" in err, "--send with html: exit %d: %s" % (rc, err))


def test_mbox_and_files():
    rc, out, err = run(["--format", "email"] + REPOS)
    check(rc == 0, "mbox: exit %d: %s" % (rc, err))
    separators = [line for line in out.split("\n") if line.startswith("From ")]
    check(len(separators) == 3 and all(s == "From pirscan@localhost Sun Nov 22 06:00:00 2026"
                                       for s in separators), "mbox: separators %r" % separators)
    d = os.path.join(WORK, "eml")
    rc, out, err = run(["--format", "email", "--output", d] + REPOS)
    check(rc == 0 and out == "", "eml: exit %d: %s" % (rc, err))
    names = sorted(os.listdir(d)) if os.path.isdir(d) else []
    check(names == ["data.eml", "payments.eml", "platform.eml"], "eml: files %r" % names)
    for n in names:
        with open(os.path.join(d, n), "rb") as f:
            raw = f.read()
        check_message(parse(raw), raw, n[:-4])


def test_nobody_to_send_to():
    """Groups but no address at all: an error, not "sent 0 of 0" with status 0."""
    path = os.path.join(WORK, "no-address.yml")
    with open(path, "w") as f:
        f.write('report:\n  from: "pirscan <pirscan@example.com>"\n  smtp_user: "%s"\n' % USER)
    with Server() as srv:
        rc, out, err = run(sending_args(srv.port, ["--config", path]),
                           {"PIRSCAN_SMTP_PASSWORD": PASSWORD})
        check(rc == 2, "no address: exit %d: %s" % (rc, err))
        check("nothing was sent: no group has an email address" in err and "unassigned" in err,
              "no address: message: " + err)
        check(not srv.messages, "no address: something was delivered")


def limited(fsize):
    """For preexec_fn: files of at most `fsize` bytes; writing more is EFBIG, not SIGXFSZ."""
    def set_limit():
        import resource
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return set_limit


def test_atomic_files():
    """A write error (RLIMIT_FSIZE) never leaves a truncated .eml or a temporary file."""
    d = os.path.join(WORK, "eml-atomic")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIRSCAN_")}
    env.update(HOME=WORK, SOURCE_DATE_EPOCH="1795327200")
    cmd = [PIRSCAN, "report", "--as-of", "2026-11-22", "--config", CONFIG, "--format", "email",
           "--output", d] + REPOS
    p = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    check(p.returncode == 0, "atomic: first run exit %d" % p.returncode)
    before = {n: open(os.path.join(d, n), "rb").read() for n in os.listdir(d)}
    check(sorted(before) == ["data.eml", "payments.eml", "platform.eml"], "atomic: %r" % sorted(before))
    # a different Date makes different files; none of them may replace a good one half-written
    env["SOURCE_DATE_EPOCH"] = "1795413600"
    p = subprocess.run(cmd, capture_output=True, env=env, timeout=120, restore_signals=False,
                       preexec_fn=limited(1024))
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 2, "atomic: exit %d under a 1 KiB file limit: %s" % (p.returncode, err))
    check(re.search(r"^pirscan: cannot write .*\.eml: File too large$", err, re.M) is not None,
          "atomic: message: " + err)
    after = {n: open(os.path.join(d, n), "rb").read() for n in os.listdir(d)}
    check(after == before, "atomic: files changed or left behind: %r" % sorted(after))
    # into an empty folder: nothing at all
    empty = os.path.join(WORK, "eml-empty")
    cmd[cmd.index(d)] = empty
    p = subprocess.run(cmd, capture_output=True, env=env, timeout=120, restore_signals=False,
                       preexec_fn=limited(1024))
    left = os.listdir(empty) if os.path.isdir(empty) else []
    check(p.returncode == 2 and left == [], "atomic: exit %d, left %r" % (p.returncode, left))


CONTRIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "contrib")


def host_config_from(path, url):
    """The /etc/pirscan/config.yml that a contrib file's comment tells to write, for `url`."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    body = []
    for line in lines:
        text = line[1:] if line.startswith("#") else None
        if text is None:
            if body:
                break
            continue
        indent = len(text) - len(text.lstrip())
        if not body and text.strip() == "report:":
            base = indent
            body.append("report:")
        elif body and indent > base and text.strip():
            body.append(text[base:])
        elif body:
            break
    check(body and body[0] == "report:", "%s: no config.yml in its comment" % path)
    conf = "\n".join(body) + "\n"
    conf = re.sub(r'smtp_url: "[^"]*"', 'smtp_url: "%s"' % url, conf)
    out = os.path.join(WORK, "etc-pirscan-config.yml")
    with open(out, "w") as f:
        f.write(conf)
    return out


def test_contrib_jobs():
    """The systemd unit's and the cron file's command, set up as their comments say."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIRSCAN_")}
    env.update(HOME=WORK, SOURCE_DATE_EPOCH="1795327200", PIRSCAN_CONFIG_USER="")
    # the test server has no certificate: the commands get --smtp-insecure, and an as-of date
    extra = ["--smtp-insecure", "--as-of", "2026-11-22"]
    unit = os.path.join(CONTRIB, "systemd", "pirscan-report.service")
    with open(unit, encoding="utf-8") as f:
        execstart = [l[len("ExecStart="):] for l in f.read().splitlines() if l.startswith("ExecStart=")]
    cron = os.path.join(CONTRIB, "cron", "pirscan-report")
    with open(cron, encoding="utf-8") as f:
        cronline = [l for l in f.read().splitlines() if re.match(r"^[0-9*]", l)]
    check(len(execstart) == 1 and len(cronline) == 1, "contrib: commands %r %r" % (execstart, cronline))
    if len(execstart) != 1 or len(cronline) != 1:
        return
    argv = shlex.split(execstart[0])
    unit_cmd = [PIRSCAN] + argv[1:2] + extra + [a for a in argv[2:] if a != "$REPOS"] + REPOS
    cron_argv = shlex.split(cronline[0])[6:]  # five time fields and the user
    cron_cmd = [PIRSCAN] + cron_argv[1:2] + extra + [a for a in cron_argv[2:] if not a.startswith("/srv/")] + REPOS
    for name, path, cmd, env_extra in (
            ("systemd", unit, unit_cmd, {"PIRSCAN_SMTP_PASSWORD": PASSWORD}), ("cron", cron, cron_cmd, {})):
        home = tempfile.mkdtemp(dir=WORK)
        with open(os.path.join(home, ".netrc"), "w") as f:
            f.write('machine 127.0.0.1 login %s password "%s"\n' % (USER, PASSWORD))
        os.chmod(os.path.join(home, ".netrc"), 0o600)
        with Server() as srv:
            e = dict(env, HOME=home, **env_extra)
            e["PIRSCAN_CONFIG_SYSTEM"] = host_config_from(path, "smtp://127.0.0.1:%d" % srv.port)
            p = subprocess.run(cmd, capture_output=True, env=e, timeout=120)
            err = p.stderr.decode("utf-8", "replace")
            check(p.returncode == 0, "%s: exit %d: %s" % (name, p.returncode, err))
            rcpt = sorted(r for m in srv.messages for r in m["rcpt"])
            # the teams and addresses of svc's .pirscan.yml
            check(rcpt == ["data@example.com", "payments-oncall@example.com", "platform@example.com"],
                  "%s: delivered to %r: %s" % (name, rcpt, err))
            check(all(m["auth"] for m in srv.messages), "%s: not logged in" % name)


def test_host_config():
    """/etc and ~/.config add to the repository's file; a bad or unreadable one stops the run."""
    with Server() as srv:
        sysconf = os.path.join(WORK, "system.yml")
        with open(sysconf, "w") as f:
            f.write('report:\n  smtp_url: "smtp://127.0.0.1:%d"\n  smtp_user: "%s"\n'
                    'teams:\n  platform:\n    email: [ops@example.com]\n' % (srv.port, USER))
        xdg = os.path.join(WORK, "xdg")
        os.makedirs(os.path.join(xdg, "pirscan"), exist_ok=True)
        with open(os.path.join(xdg, "pirscan", "config.yml"), "w") as f:
            f.write('report:\n  from: "pirscan <pirscan@example.com>"\n')
        env = {"PIRSCAN_SMTP_PASSWORD": PASSWORD, "PIRSCAN_CONFIG_SYSTEM": sysconf,
               "XDG_CONFIG_HOME": xdg}
        del_user = {k: v for k, v in env.items()}
        rc, out, err = run_plain(["--format", "email", "--send", "--smtp-insecure"] + REPOS, del_user)
        check(rc == 0 and len(srv.messages) == 3, "host config: exit %d, %d messages: %s"
              % (rc, len(srv.messages), err))
        # the repository's platform team has an address: the host's does not replace it
        rcpt = sorted(r for m in srv.messages for r in m["rcpt"])
        check("ops@example.com" not in rcpt and "platform@example.com" in rcpt,
              "host config: recipients %r" % rcpt)
        # a host file may not set the gate's policy
        with open(sysconf, "a") as f:
            f.write("grace: 30\n")
        rc, out, err = run_plain(["--format", "email", "--send", "--smtp-insecure"] + REPOS, env)
        check(rc == 2 and "system.yml:7:1: 'grace' is a repository setting" in err,
              "host config with grace: exit %d: %s" % (rc, err))
        # an unreadable one is an error, not an absent one
        rc, out, err = run_plain(["scan"] + REPOS, dict(env, PIRSCAN_CONFIG_SYSTEM=WORK))
        check(rc == 2 and "Is a directory" in err, "host config is a folder: exit %d: %s" % (rc, err))


def run_plain(args, env_extra):
    """pirscan report without --config, so that the host's files count."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIRSCAN_")}
    env.update(HOME=WORK, SOURCE_DATE_EPOCH="1795327200", PIRSCAN_CONFIG_USER="")
    env.pop("XDG_CONFIG_HOME", None)
    env.update(env_extra)
    if "XDG_CONFIG_HOME" in env_extra:
        env.pop("PIRSCAN_CONFIG_USER")
    cmd = [PIRSCAN] + (args if args[0] == "scan" else ["report", "--as-of", "2026-11-22"] + args)
    p = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def write_config(path, smtp_url, sender=True):
    """The teams of the fixtures (as svc/.pirscan.yml has them) with addresses of our own."""
    members = {"payments": ["@alice", "@dave"], "platform": ["@bob", "@carol"], "data": ["@erin"]}
    lines = ["teams:"]
    for team, addrs in TEAMS.items():
        lines += ["  %s:" % team, "    email: [%s]" % ", ".join(addrs),
                  "    members: [%s]" % ", ".join('"%s"' % m for m in members[team])]
    report = []
    if sender:
        report.append('  from: "pirscan <pirscan@example.com>"')
    if smtp_url:
        report.append('  smtp_url: "%s"' % smtp_url)
    report.append('  smtp_user: "%s"' % USER)
    if report:
        lines += ["report:"] + report
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    global WORK, CONFIG
    WORK = tempfile.mkdtemp(prefix="pirscan-smtp-")
    CONFIG = os.path.join(WORK, "pirscan.yml")
    try:
        write_config(CONFIG, None)
        tests = [test_plain_delivery, test_config_and_netrc, test_wrong_password,
                 test_rejected_recipient, test_starttls_required, test_sendmail, test_usage,
                 test_mbox_and_files, test_nobody_to_send_to, test_atomic_files,
                 test_contrib_jobs, test_host_config, test_refused_after_data,
                 test_stalled_server, test_group_retry]
        for t in tests:
            before = failed
            t()
            print(("ok   " if failed == before else "FAIL ") + t.__name__)
        cert = make_cert()
        if cert:
            before = failed
            test_tls(cert)
            print(("ok   " if failed == before else "FAIL ") + "test_tls")
        else:
            print("skip test_tls: no openssl command")
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
