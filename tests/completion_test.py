#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The shell completions (contrib/completions): bash's loaded in bash and
asked for commands, options and values as bash asks (COMP_WORDS); fish's
asked through `complete -C`; zsh's checked for syntax and driven in an
interactive zsh on a pseudo-terminal; every option of every command's help
offered by each file, so the files cannot drift.
Without fish or zsh their part is skipped, unless PIRSCAN_REQUIRE_SHELLS=1
(CI).

  completion_test.py PIRSCAN SOURCE_ROOT
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    print("ok  " if cond else "FAIL", what)
    if not cond:
        failures.append(what)


def skip(shell):
    """A shell that is not installed is skipped locally, never in CI (PIRSCAN_REQUIRE_SHELLS=1)."""
    if os.environ.get("PIRSCAN_REQUIRE_SHELLS") == "1":
        check(False, "%s is not installed and PIRSCAN_REQUIRE_SHELLS=1" % shell)
    else:
        print("skip %s: not installed" % shell)


def help_options(pirscan, cmd):
    text = subprocess.run([pirscan, "help", cmd], capture_output=True, text=True,
                          check=True).stdout
    opts = set(re.findall(r"(?:^|[ \[])(--?[a-zA-Z][a-z0-9-]*)", text, re.M))
    return opts - {"-t", "-oi"}  # "PATH -t -oi": sendmail's arguments, not pirscan's


def bash_complete(script, words, cwd):
    """COMPREPLY for the command line `words` (the last one being completed)."""
    line = " ".join(words)
    snippet = (
        'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); '
        'COMP_LINE="%s"; COMP_POINT=${#COMP_LINE}; _pirscan; printf "%%s\\n" "${COMPREPLY[@]}"'
        % line.replace('"', '\\"'))
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", snippet, "bash", script] + words,
                         capture_output=True, text=True, cwd=cwd)
    if out.returncode != 0:
        return {"<error: %s>" % out.stderr.strip()}
    return set(l for l in out.stdout.splitlines() if l)


ZSH_DRIVER = r"""
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT='> '; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -d ${(q)2}; unset zle_bracketed_paste; print RE''ADY"
zpty -r z line '*READY*'
zpty -w -n z "$3"$'\t\t'
# read until the expected text shows (at most 30 s: a limit that trips, not a stopwatch)
setopt extendedglob
out=""
for i in {1..150}; do
  while zpty -r -t z chunk; do out+=$chunk; done
  plain=${out//$'\e'\[[0-9;?]#[A-Za-z]/}
  plain=${plain//[$'\x01'-$'\x08'$'\x0b'-$'\x1f']/}
  [[ $plain == *"$4"* ]] && break
  sleep 0.2
done
zpty -d z
print -r -- $plain
"""


def zsh_complete(comp, line, want):
    """What zsh shows after two tabs on `line`, in an interactive zsh on a pseudo-terminal."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TERM="xterm", HOME=tmp)
        out = subprocess.run(["zsh", "-f", "-c", ZSH_DRIVER, "zsh", comp,
                              os.path.join(tmp, "zcompdump"), line, want],
                             capture_output=True, text=True, env=env, cwd=tmp, timeout=60)
    return out.stdout


def main():
    pirscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    comp = os.path.join(root, "contrib", "completions")
    bash, fish, zsh = (os.path.join(comp, f) for f in ("pirscan.bash", "pirscan.fish", "_pirscan"))

    with tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, "checkout"))
        os.mkdir(os.path.join(tmp, "svc"))
        got = bash_complete(bash, ["pirscan", "ch"], tmp)
        check(got == {"check", "checkout"}, "bash: 'pirscan ch' -> the command and the folder: %s" % sorted(got))
        got = bash_complete(bash, ["pirscan", ""], tmp)
        check({"scan", "check", "report", "incidents", "help", "version", "svc"} <= got,
              "bash: every command")
        got = bash_complete(bash, ["pirscan", "help", "r"], tmp)
        check(got == {"report"}, "bash: 'pirscan help r' -> report: %s" % sorted(got))
        got = bash_complete(bash, ["pirscan", "--sta"], tmp)
        check(got == {"--stale"}, "bash: 'pirscan --sta' -> --stale: %s" % sorted(got))
        got = bash_complete(bash, ["pirscan", "check", "--fail-on-r"], tmp)
        check(got == {"--fail-on-reason"}, "bash: check options: %s" % sorted(got))
        got = bash_complete(bash, ["pirscan", "check", "--format", "j"], tmp)
        check(got == {"json", "junit"}, "bash: check --format values: %s" % sorted(got))
        got = bash_complete(bash, ["pirscan", "--format", "=", ""], tmp)
        check(got == {"table", "json", "csv"}, "bash: --format=VALUE: %s" % sorted(got))
        got = bash_complete(bash, ["pirscan", "report", "--severity", "c"], tmp)
        check(got == {"critical"}, "bash: severities: %s" % sorted(got))
        got = bash_complete(bash, ["pirscan", "report", "--stale"], tmp)
        check(got == set(), "bash: report has no --stale: %s" % sorted(got))
        got = bash_complete(bash, ["pirscan", "incidents", "--format", ""], tmp)
        check(got == {"table", "json", "csv", "md"}, "bash: incidents --format values: %s"
              % sorted(got))
        got = bash_complete(bash, ["pirscan", "check", "s"], tmp)
        check(got == {"svc"}, "bash: after a command, repositories only: %s" % sorted(got))

        for cmd in ("scan", "check", "report", "incidents"):
            for o in sorted(help_options(pirscan, cmd)):
                got = bash_complete(bash, ["pirscan", cmd, o], tmp)
                check(o in got, "bash: pirscan %s %s" % (cmd, o))

        if shutil.which("fish"):
            def fish_complete(line):
                out = subprocess.run(["fish", "--no-config", "-c",
                                      'source $argv[1]; complete -C $argv[2]', fish, line],
                                     capture_output=True, text=True, cwd=tmp)
                return set(l.split("\t")[0] for l in out.stdout.splitlines())
            check(subprocess.run(["fish", "--no-execute", fish]).returncode == 0, "fish: syntax")
            got = fish_complete("pirscan ch")
            check({"check", "checkout/"} <= got, "fish: 'pirscan ch': %s" % sorted(got))
            got = fish_complete("pirscan check --format j")
            check(got == {"json", "junit"}, "fish: check --format values: %s" % sorted(got))
            for cmd in ("scan", "check", "report", "incidents"):
                for o in sorted(help_options(pirscan, cmd)):
                    # fish offers "-hq" for "-h": ask for short options after a lone "-"
                    got = fish_complete("pirscan %s %s" % (cmd, o if o.startswith("--") else "-"))
                    check(o in got, "fish: pirscan %s %s" % (cmd, o))
        else:
            skip("fish")

    if shutil.which("zsh"):
        check(subprocess.run(["zsh", "-n", zsh]).returncode == 0, "zsh: syntax")
        for line, want in (("pirscan rep", "pirscan report"), ("pirscan --sta", "pirscan --stale"),
                           ("pirscan check --format j", "junit"),
                           ("pirscan report --group-by inc", "--group-by incident")):
            got = zsh_complete(comp, line, want)
            check(want in got, "zsh: %r offers %r" % (line, want))
    else:
        skip("zsh")
    text = open(zsh, encoding="utf-8").read()
    for cmd in ("scan", "check", "report", "incidents"):
        for o in sorted(help_options(pirscan, cmd)):
            check(re.search(r"[{',*]%s[\[=,}']" % re.escape(o), text) is not None,
                  "zsh: offers %s" % o)
    if failures:
        sys.exit("%d failed" % len(failures))


if __name__ == "__main__":
    main()
