#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Validate pirscan's JSON output against docs/pirscan.schema.json.

Usage: validate_json.py [--definition NAME] SCHEMA PIRSCAN_BINARY ARGS...

With --definition, against the schema's definition NAME ($defs/NAME, such as
incidents_document for pirscan incidents) instead of its top level.

Runs PIRSCAN_BINARY ARGS... (with TZ=UTC and NO_COLOR=1), parses its standard
output as JSON and validates it with jsonschema's Draft202012Validator and a
FormatChecker. Every error is printed with its JSON path.

Exit status: 0 when the output is valid (the last line is then
"1 passed, 0 failed"), 1 on any error, 77 (skipped) when the jsonschema module
is not available.
"""

import json
import os
import subprocess
import sys

SKIP = 77


def json_path(parts):
    """A JSONPath-style string ($.items[0].id) for a deque of keys and indices."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += "[%d]" % part
        elif part.isidentifier():
            out += "." + part
        else:
            out += "[%s]" % json.dumps(part)
    return out


class DuplicateKey(ValueError):
    pass


def no_duplicates(pairs):
    """object_pairs_hook: JSON objects must not repeat a key."""
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKey("duplicate key %s" % json.dumps(key))
        obj[key] = value
    return obj


def no_constant(name):
    """parse_constant: NaN and Infinity are not JSON."""
    raise ValueError("%s is not valid JSON" % name)


def fail(message):
    print("validate_json: %s" % message, file=sys.stderr)
    print("0 passed, 1 failed")
    return 1


def main(argv):
    definition = None
    if len(argv) > 2 and argv[1] == "--definition":
        definition = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        print("usage: validate_json.py [--definition NAME] SCHEMA PIRSCAN_BINARY ARGS...",
              file=sys.stderr)
        return 1
    schema_path, binary, args = argv[1], argv[2], argv[3:]

    try:
        import jsonschema
    except ImportError:
        print("validate_json: the jsonschema module is not available; skipped")
        return SKIP

    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        return fail("cannot read the schema %s: %s" % (schema_path, e))

    validator_class = jsonschema.Draft202012Validator
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        return fail("the schema %s is not a valid draft 2020-12 schema: %s at %s"
                    % (schema_path, e.message, json_path(e.absolute_path)))

    env = dict(os.environ)
    env["TZ"] = "UTC"
    env["NO_COLOR"] = "1"
    command = [binary] + args
    try:
        proc = subprocess.run(command, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, check=False)
    except OSError as e:
        return fail("cannot run %s: %s" % (binary, e))
    if proc.stderr:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
    if proc.returncode != 0:
        return fail("%s exited with status %d" % (" ".join(command), proc.returncode))

    try:
        document = json.loads(proc.stdout.decode("utf-8"), object_pairs_hook=no_duplicates,
                              parse_constant=no_constant)
    except UnicodeDecodeError as e:
        return fail("the output is not UTF-8: %s" % e)
    except ValueError as e:
        return fail("the output is not JSON: %s" % e)

    if definition is not None:
        if definition not in schema.get("$defs", {}):
            return fail("the schema %s has no definition %s" % (schema_path, definition))
        schema = {"$schema": schema.get("$schema"), "$defs": schema["$defs"],
                  "$ref": "#/$defs/" + definition}
    validator = validator_class(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document),
                    key=lambda e: (list(map(str, e.absolute_path)), e.message))
    for e in errors:
        print("%s: %s" % (json_path(e.absolute_path), e.message))
        # anyOf and oneOf: say what each alternative found wrong
        for sub in sorted(e.context, key=lambda c: (list(map(str, c.absolute_path)), c.message)):
            print("    %s: %s" % (json_path(sub.absolute_path), sub.message))
    if errors:
        print("%d error%s in the output of %s" % (len(errors), "" if len(errors) == 1 else "s",
                                                  " ".join(command)))
        print("0 passed, 1 failed")
        return 1
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
