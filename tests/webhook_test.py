#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pirscan report --send to team chat, against a loopback HTTPS server.

usage: webhook_test.py PIRSCAN FIXTURES

The server is Python's http.server over ssl, on a free loopback port, with
a certificate signed by a throwaway CA made now with the openssl command
(a second CA, never trusted by the server's certificate, for the wrong-CA
case). It records every request; each path decides how it answers: 200,
429 with Retry-After once, 503 once, 500 always, or a stall. Payloads are
checked field by field (Slack Block Kit, the Teams Adaptive Card, the JSON
report), and no webhook URL may ever appear on stdout or stderr. Exit 77
(skip) without openssl.
"""
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

PIRSCAN, FIXTURES = sys.argv[1], sys.argv[2]
REPOS = [os.path.join(FIXTURES, "svc"), os.path.join(FIXTURES, "postmortems")]
SECRET = "T0SECRET/B0SECRET/xoxSECRETtoken"  # a part of every URL that must stay hidden
REPORT_URL = "https://reports.example.com/pirscan/latest.html"

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)
    return cond


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        srv = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        name = self.path.rsplit("/", 1)[-1]
        with srv.lock:
            srv.requests.append({"path": self.path, "name": name, "body": body,
                                 "type": self.headers.get("Content-Type"), "time": time.monotonic()})
            n = sum(1 for r in srv.requests if r["name"] == name)
        if name.startswith("stall"):
            time.sleep(6)
            code, extra = 200, {}
        elif name.startswith("busy") and n == 1:
            code, extra = 429, {"Retry-After": "1"}
        elif name.startswith("down") and n == 1:
            code, extra = 503, {}
        elif name.startswith("broken"):
            code, extra = 500, {"Retry-After": "0"}
        elif name.startswith("gone"):
            code, extra = 404, {}
        else:
            code, extra = 200, {}
        try:
            self.send_response(code)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:
            pass


class Server:
    def __init__(self, ctx):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.requests = []
        self.httpd.lock = threading.Lock()
        self.port = self.httpd.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, name):
        return "https://127.0.0.1:%d/hooks/%s/%s" % (self.port, SECRET, name)

    def by_name(self, name):
        return [r for r in self.httpd.requests if r["name"] == name]


def openssl(*args):
    p = subprocess.run(["openssl"] + list(args), capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.decode(errors="replace"))


def make_ca(d, name):
    key, cert = os.path.join(d, name + "-key.pem"), os.path.join(d, name + ".pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
            "-days", "2", "-subj", "/CN=pirscan test " + name)
    return key, cert


def make_server_cert(d, ca_key, ca_cert):
    key, csr, cert = (os.path.join(d, n) for n in ("srv-key.pem", "srv.csr", "srv.pem"))
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
            "-subj", "/CN=127.0.0.1")
    openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def write_config(path, hooks):
    """hooks: team -> {key: value}; no email, so --send needs no mail server."""
    lines = ["teams:"]
    members = {"payments": ["@alice", "@dave"], "platform": ["@bob", "@carol"], "data": ["@erin"]}
    for team, m in members.items():
        lines.append("  %s:" % team)
        lines.append("    members: [%s]" % ", ".join('"%s"' % x for x in m))
        for k, v in hooks.get(team, {}).items():
            lines.append('    %s: "%s"' % (k, v))
    lines += ["report:",
              '  web_url: "https://git.example.com/{repo}/blob/{commit}/{path}#L{line}"',
              '  url: "%s"' % REPORT_URL]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def run(config, args, env_extra=None, quiet=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIRSCAN_")}
    env["HOME"] = WORK
    env.update(PIRSCAN_CONFIG_SYSTEM="", PIRSCAN_CONFIG_USER="")
    env.update(env_extra or {})
    p = subprocess.run([PIRSCAN, "report"] + (["-q"] if quiet else []) + ["--as-of", "2026-11-22", "--config", config]
                       + args + REPOS, capture_output=True, env=env, timeout=120)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    check(SECRET not in out and SECRET not in err and "SECRET" not in err,
          "a webhook URL appeared in the output: " + err)
    return p.returncode, out, err


def check_slack(payload, what):
    check(isinstance(payload.get("text"), str) and payload["text"], what + ": no fallback text")
    blocks = payload.get("blocks", [])
    check(0 < len(blocks) <= 50, what + ": %d blocks" % len(blocks))
    check(blocks and blocks[0]["type"] == "header" and blocks[0]["text"]["type"] == "plain_text"
          and len(blocks[0]["text"]["text"]) <= 150, what + ": header %r" % blocks[:1])
    for b in blocks:
        check(b["type"] in ("header", "context", "section"), what + ": block type " + b["type"])
        if b["type"] == "section":
            check(b["text"]["type"] == "mrkdwn" and len(b["text"]["text"]) <= 3000,
                  what + ": section text")
        if b["type"] == "context":
            check(all(e["type"] == "mrkdwn" and len(e["text"]) <= 3000 for e in b["elements"]),
                  what + ": context elements")
    text = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    check("PIR-2026-01-04-001" in text and "266 days overdue" in text, what + ": the items")
    check("<https://git.example.com/svc/blob/" in text and "/src/client/main.c#L5|svc:src/client/main.c:5"
          in text, what + ": the location's link")
    check("<%s|the full report>" % REPORT_URL in text, what + ": the full report's link")


def check_teams(payload, what):
    check(payload.get("type") == "message" and len(payload.get("attachments", [])) == 1,
          what + ": not one attachment")
    a = payload["attachments"][0]
    check(a.get("contentType") == "application/vnd.microsoft.card.adaptive", what + ": contentType")
    card = a.get("content", {})
    check(card.get("type") == "AdaptiveCard" and card.get("version") == "1.4"
          and card.get("$schema") == "http://adaptivecards.io/schemas/adaptive-card.json",
          what + ": card header")
    body = card.get("body", [])
    check(body and all(b.get("type") == "TextBlock" and isinstance(b.get("text"), str)
                       and b.get("wrap") is True for b in body), what + ": body blocks")
    check(all(set(b) <= {"type", "text", "wrap", "size", "weight", "spacing", "isSubtle"}
              for b in body), what + ": unknown TextBlock properties")
    check(body[0].get("size") == "Large" and "platform" in body[0]["text"], what + ": title")
    actions = card.get("actions", [])
    check(actions == [{"type": "Action.OpenUrl", "title": "The full report", "url": REPORT_URL}],
          what + ": actions %r" % actions)
    check(len(json.dumps(payload)) <= 28000, what + ": card over 28 KB")


def check_webhook(payload, what):
    check(payload.get("group") == "data" and payload.get("group_by") == "team"
          and payload.get("as_of") == "2026-11-22" and payload.get("report_url") == REPORT_URL,
          what + ": header fields")
    counts = payload.get("counts", {})
    check(set(counts) == {"open", "overdue", "due_soon", "other_stale", "opened", "closed"},
          what + ": counts %r" % counts)
    n = sum(len(payload.get(k, [])) for k in ("overdue", "due_soon", "other_stale"))
    check(n == counts.get("overdue", -1) + counts.get("due_soon", -1) + counts.get("other_stale", -1),
          what + ": items and counts disagree")
    for k in ("overdue", "due_soon", "other_stale"):
        for it in payload.get(k, []):
            loc = it.get("location") or {}
            check({"id", "title", "owner", "severity", "due", "state", "location"} <= set(it),
                  what + ": item fields %r" % sorted(it))
            check(loc.get("url") is None or loc["url"].startswith("https://git.example.com/"),
                  what + ": location url")


def test_delivery(srv, ca):
    cfg = os.path.join(WORK, "ok.yml")
    write_config(cfg, {"payments": {"slack_webhook_env": "PIRSCAN_TEST_SLACK"},
                       "platform": {"teams_webhook": srv.url("teams-ok")},
                       "data": {"webhook": srv.url("json-ok")}})
    env = {"PIRSCAN_TEST_SLACK": srv.url("slack-ok")}
    rc, out, err = run(cfg, ["--send", "--ca-file", ca], env, quiet=False)
    check(rc == 0, "delivery: exit %d: %s" % (rc, err))
    check("pirscan report: chat: sent 3 of 3 (data webhook, payments slack, platform teams)" in err,
          "delivery: summary: " + err)
    for name, fn in (("slack-ok", check_slack), ("teams-ok", check_teams), ("json-ok", check_webhook)):
        reqs = srv.by_name(name)
        if check(len(reqs) == 1, "%s: %d requests" % (name, len(reqs))):
            check(reqs[0]["type"].startswith("application/json"), name + ": Content-Type")
            fn(json.loads(reqs[0]["body"]), name)
    # what --send would post, on stdout
    rc, out, err = run(cfg, ["--format", "slack", "--group", "payments"])
    check(rc == 0 and json.loads(out) == json.loads(srv.by_name("slack-ok")[0]["body"]),
          "--format slack is not what --send posts")
    # the variable unset: that delivery fails, the others go on
    rc, out, err = run(cfg, ["--send", "--ca-file", ca])
    check(rc == 1 and "$PIRSCAN_TEST_SLACK is not set" in err and len(srv.by_name("teams-ok")) == 2,
          "unset variable: exit %d: %s" % (rc, err))


def test_retries(srv, ca):
    cfg = os.path.join(WORK, "retry.yml")
    write_config(cfg, {"payments": {"slack_webhook": srv.url("busy-slack")},
                       "platform": {"teams_webhook": srv.url("down-teams")},
                       "data": {"webhook": srv.url("broken-json")}})
    rc, out, err = run(cfg, ["--send", "--ca-file", ca])
    check(rc == 1, "retries: exit %d" % rc)
    busy = srv.by_name("busy-slack")
    check(len(busy) == 2 and busy[1]["time"] - busy[0]["time"] >= 0.9,
          "429: %d requests, Retry-After not honoured" % len(busy))
    check(busy and busy[0]["body"] == busy[-1]["body"], "429: another payload on the retry")
    check(len(srv.by_name("down-teams")) == 2, "503: %d requests" % len(srv.by_name("down-teams")))
    check(len(srv.by_name("broken-json")) == 4, "500: %d requests, expected 1 + 3 retries"
          % len(srv.by_name("broken-json")))
    check("chat: sent 2 of 3" in err and "data webhook (https://127.0.0.1:%d/" % srv.port in err
          and "the server replied 500" in err, "retries: summary: " + err)
    # a 404 is not tried again
    write_config(cfg, {"data": {"webhook": srv.url("gone-json")}})
    rc, out, err = run(cfg, ["--send", "--ca-file", ca])
    check(rc == 1 and len(srv.by_name("gone-json")) == 1 and "replied 404" in err,
          "404: exit %d, %d requests: %s" % (rc, len(srv.by_name("gone-json")), err))


def test_timeout(srv, ca):
    cfg = os.path.join(WORK, "stall.yml")
    write_config(cfg, {"payments": {"slack_webhook": srv.url("stall-slack")},
                       "data": {"webhook": srv.url("json-after-stall")}})
    rc, out, err = run(cfg, ["--send", "--ca-file", ca, "--webhook-timeout", "2"])
    check(rc == 1 and "timed out" in err and len(srv.by_name("stall-slack")) == 1,
          "timeout: exit %d, %d requests: %s" % (rc, len(srv.by_name("stall-slack")), err))
    check(len(srv.by_name("json-after-stall")) == 1, "timeout: the next delivery did not go")


def test_wrong_ca(srv, other_ca):
    cfg = os.path.join(WORK, "ca.yml")
    write_config(cfg, {"data": {"webhook": srv.url("json-wrong-ca")}})
    rc, out, err = run(cfg, ["--send", "--ca-file", other_ca])
    check(rc == 1 and len(srv.by_name("json-wrong-ca")) == 0 and "certificate" in err.lower(),
          "wrong CA: exit %d, %d requests: %s" % (rc, len(srv.by_name("json-wrong-ca")), err))
    rc, out, err = run(cfg, ["--send"])  # the system's CAs do not know the test CA either
    check(rc == 1 and len(srv.by_name("json-wrong-ca")) == 0, "system CAs: exit %d: %s" % (rc, err))


def test_usage(srv, ca):
    cfg = os.path.join(WORK, "usage.yml")
    write_config(cfg, {})
    for flag in ("--slack-webhook=" + srv.url("x"), "--webhook", "--teams-webhook"):
        rc, out, err = run(cfg, [flag])
        check(rc == 2 and "never given on the command line" in err, "%s: exit %d: %s" % (flag, rc, err))
    # an http:// URL is a configuration error, and the message does not quote it
    with open(cfg, "a") as f:
        f.write("")
    bad = os.path.join(WORK, "bad.yml")
    with open(bad, "w") as f:
        f.write('teams:\n  data:\n    webhook: "http://127.0.0.1/hooks/%s"\n' % SECRET)
    rc, out, err = run(bad, ["--send"])
    check(rc == 2 and "must be an https:// URL" in err, "http URL: exit %d: %s" % (rc, err))
    with open(bad, "w") as f:
        f.write('report:\n  web_url: "https://git.example.com/{repo}/{branch}/{path}"\n')
    rc, out, err = run(bad, [])
    check(rc == 2 and "unknown placeholder '{branch}'" in err, "web_url placeholder: %d: %s" % (rc, err))


def test_repository_hooks(srv, ca):
    """A scanned repository's own .pirscan.yml never gets to post: its committers could."""
    repo = os.path.join(WORK, "repo")
    os.makedirs(repo)
    with open(os.path.join(repo, ".pirscan.yml"), "w") as f:
        f.write('teams:\n  core:\n    webhook: "%s"\n' % srv.url("json-from-repo"))
    with open(os.path.join(repo, "action-items.yml"), "w") as f:
        f.write("action_items:\n  - id: PIR-2026-11-01-001\n    title: Fix it\n"
                "    owner: \"@ann\"\n    due: 2026-11-10\n    team: core\n")
    env = dict(os.environ, GIT_AUTHOR_DATE="2026-11-01T12:00:00Z", GIT_COMMITTER_DATE="2026-11-01T12:00:00Z",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", HOME=WORK)
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "items"]):
        subprocess.run(["git", "-C", repo] + cmd, check=True, env=env, capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIRSCAN_")}
    env.update(HOME=WORK, PIRSCAN_CONFIG_SYSTEM="", PIRSCAN_CONFIG_USER="")
    p = subprocess.run([PIRSCAN, "report", "--as-of", "2026-11-22", "--send", "--ca-file", ca, repo],
                       capture_output=True, env=env, timeout=60)
    err = p.stderr.decode("utf-8", "replace")
    check(SECRET not in err and SECRET not in p.stdout.decode("utf-8", "replace"), "repo hooks: URL shown")
    check(len(srv.by_name("json-from-repo")) == 0, "a repository's webhook was posted to")
    check(p.returncode == 2 and "from the repository's .pirscan.yml is not used" in err,
          "repo hooks: exit %d: %s" % (p.returncode, err))


def main():
    global WORK
    if not shutil.which("openssl"):
        print("skip: no openssl command")
        return 77
    WORK = tempfile.mkdtemp(prefix="pirscan-webhook-")
    try:
        ca_key, ca = make_ca(WORK, "ca")
        _, other_ca = make_ca(WORK, "other-ca")
        ctx = make_server_cert(WORK, ca_key, ca)
        with Server(ctx) as srv:
            for t, arg in ((test_delivery, ca), (test_retries, ca), (test_timeout, ca),
                           (test_wrong_ca, other_ca), (test_usage, ca),
                           (test_repository_hooks, ca)):
                before = failed
                t(srv, arg)
                print(("ok   " if failed == before else "FAIL ") + t.__name__)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
