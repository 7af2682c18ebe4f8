#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validate a `pirscan check` report against its format's schema.

  validate_ci.py sarif  SCHEMA PIRSCAN ARGS...   SARIF 2.1.0 (OASIS JSON Schema, draft 4)
  validate_ci.py gitlab SCHEMA PIRSCAN ARGS...   GitLab Code Quality (tests/schemas)
  validate_ci.py junit  XSD    PIRSCAN ARGS...   JUnit XML, with xmllint --schema

Runs PIRSCAN check --format FORMAT ARGS... (exit 0 or 1 are both reports),
then validates standard output. A missing schema or tool skips (exit 77),
unless PIRSCAN_REQUIRE_SCHEMAS=1 is set (CI sets it): then it fails.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def skip(why):
    if os.environ.get("PIRSCAN_REQUIRE_SCHEMAS") == "1":
        print("cannot validate: %s" % why)
        print("0 passed, 1 failed")
        sys.exit(1)
    print("skipped: %s" % why)
    sys.exit(77)


def main(argv):
    fmt, schema, pirscan, args = argv[1], argv[2], argv[3], argv[4:]
    if not os.path.exists(schema):
        skip("%s is missing (run tests/schemas/fetch-sarif-schema.sh)" % schema)
    env = dict(os.environ, TZ="UTC", NO_COLOR="1")
    p = subprocess.run([pirscan, "check", "-q", "--format", fmt] + args, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        print("pirscan exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
        return 1
    errors = []
    if fmt == "junit":
        xmllint = shutil.which("xmllint")
        if not xmllint:
            skip("xmllint is not installed (Debian: libxml2-utils)")
        with tempfile.NamedTemporaryFile(suffix=".xml") as f:
            f.write(p.stdout)
            f.flush()
            v = subprocess.run([xmllint, "--noout", "--schema", schema, f.name],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if v.returncode != 0:
                errors.append(v.stdout.decode(errors="replace"))
    else:
        try:
            import jsonschema
        except ImportError:
            skip("the jsonschema module is not available (Debian: python3-jsonschema)")
        with open(schema, encoding="utf-8") as f:
            sch = json.load(f)
        doc = json.loads(p.stdout)
        cls = jsonschema.validators.validator_for(sch)
        cls.check_schema(sch)
        for e in cls(sch, format_checker=jsonschema.FormatChecker()).iter_errors(doc):
            errors.append("%s: %s" % ("/".join(str(x) for x in e.absolute_path), e.message))
        if fmt == "sarif" and not errors:
            results = doc["runs"][0]["results"]
            if not results:
                errors.append("no results: the fixture should fail the gate")
    for e in errors:
        print(e)
    print("%d passed, %d failed" % (0 if errors else 1, 1 if errors else 0))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
