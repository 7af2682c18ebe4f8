#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Lint the contrib templates that no engine-made linter here can check.

  lint_templates.py gitlab     SCHEMA FILE...   GitLab CI/CD pipelines
  lint_templates.py kubernetes SCHEMA FILE...   Kubernetes manifests

gitlab: each file is validated against GitLab's CI/CD schema (ci.json, from
tests/schemas/fetch-gitlab-ci-schema.sh), then against what GitLab checks when
it creates the pipeline and a schema cannot say: every job's stage is one of
`stages`, every `needs:` and `extends:` names a job or template of the file,
and each job's script is valid bash (`bash -n`).

kubernetes: each document is validated against the schema of its apiVersion
and kind (Kubernetes' OpenAPI definitions, from
tests/schemas/fetch-kubernetes-schema.sh), made strict as kubectl's
validation is: a field the API does not have is an error. Then what the API
server rejects and a schema cannot say: every object has a name, a Job in
Indexed mode has completions, each container's volume mounts name volumes
of its pod, the ConfigMaps, Secrets and PersistentVolumeClaims a pod uses
are defined in the files given (the templates are self-contained), and the
scripts a ConfigMap holds (keys ending in .sh) are valid sh (`sh -n`).

Then each linter must prove it can fail: known mistakes are made in a copy of
the first pipeline, or of all the manifests (a misspelt key, a value of the
wrong type, a dangling reference, a broken script), and each must be found. Prints every problem as FILE: PATH:
MESSAGE and "N passed, M failed". A missing schema or module skips (exit 77),
unless PIRSCAN_REQUIRE_SCHEMAS=1 is set (CI sets it): then it fails.
"""
import copy
import json
import os
import shutil
import subprocess
import sys


def skip(why):
    if os.environ.get("PIRSCAN_REQUIRE_SCHEMAS") == "1":
        print("cannot lint: %s" % why)
        print("0 passed, 1 failed")
        sys.exit(1)
    print("skipped: %s" % why)
    sys.exit(77)


def where(path):
    return "/".join(str(p) for p in path) or "(top)"


def schema_errors(validator, doc):
    out = []
    for e in validator.iter_errors(doc):
        # Show the deepest cause of a failed oneOf/anyOf, not only "not valid under any".
        while e.context:
            e = max(e.context, key=lambda c: len(c.absolute_path))
        out.append("%s: %s" % (where(e.absolute_path), e.message))
    return out


def shell_errors(script, shell):
    """The shell's own syntax check (`sh -n`): the scripts the templates run."""
    exe = shutil.which(shell)
    if not exe:
        return []
    p = subprocess.run([exe, "-n"], input=script.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return [] if p.returncode == 0 else [p.stdout.decode(errors="replace").strip() or "syntax error"]


# --- GitLab ----------------------------------------------------------------

GITLAB_KEYWORDS = {"default", "include", "stages", "variables", "workflow", "image", "services",
                   "cache", "before_script", "after_script", "spec"}
GITLAB_DEFAULT_STAGES = ["build", "test", "deploy"]


def gitlab_refs(doc):
    """What GitLab itself rejects when it builds the pipeline."""
    out = []
    if not isinstance(doc, dict):
        return out
    jobs = {k: v for k, v in doc.items() if k not in GITLAB_KEYWORDS and isinstance(v, dict)}
    stages = [".pre"] + list(doc.get("stages") or GITLAB_DEFAULT_STAGES) + [".post"]
    for name, job in jobs.items():
        ext = job.get("extends", [])
        for e in [ext] if isinstance(ext, str) else ext:
            if e not in jobs:
                out.append("%s/extends: %r is not a job or template of this file" % (name, e))
        if name.startswith("."):
            continue
        stage = job.get("stage")
        base = job
        while stage is None and isinstance(base.get("extends"), str) and base["extends"] in jobs:
            base = jobs[base["extends"]]
            stage = base.get("stage")
        if stage is not None and stage not in stages:
            out.append("%s/stage: %r is not one of the stages %s" % (name, stage, stages[1:-1]))
        # before_script and script run as one bash script (a template's before_script
        # when the job has none).
        base = jobs.get(job.get("extends")) if isinstance(job.get("extends"), str) else None
        before = job.get("before_script") or (base or {}).get("before_script") or []
        script = "\n".join(l for l in list(before) + list(job.get("script") or []) if isinstance(l, str))
        out += ["%s/script: %s" % (name, e) for e in shell_errors(script, "bash")]
        for i, need in enumerate(job.get("needs") or []):
            if isinstance(need, dict):
                if "project" in need or "pipeline" in need or need.get("optional"):
                    continue
                need = need.get("job")
            if need not in jobs or need.startswith("."):
                out.append("%s/needs/%d: %r is not a job of this file" % (name, i, need))
    return out


def gitlab_mistakes(doc):
    """Copies of a pipeline with one known mistake each: (what, copy, part of the message)."""
    jobs = [k for k, v in doc.items() if k not in GITLAB_KEYWORDS and isinstance(v, dict)]
    out = []
    par = next((j for j in jobs if "parallel" in doc[j]), None)
    need = next((j for j in jobs if doc[j].get("needs")), None)
    if par:
        d = copy.deepcopy(doc)
        d[par]["parallel"] = str(d[par]["parallel"])
        out.append(("parallel given as a string", d, "is not of type"))
    if need:
        d = copy.deepcopy(doc)
        d[need]["need"] = d[need].pop("needs")
        out.append(("'needs' misspelt 'need'", d, "'need' was unexpected"))
        d = copy.deepcopy(doc)
        n = d[need]["needs"][0]
        if isinstance(n, dict):
            n["job"] = n["job"] + "-typo"
        else:
            d[need]["needs"][0] = n + "-typo"
        out.append(("'needs' naming no job", d, "is not a job of this file"))
    job = next(j for j in jobs if not j.startswith("."))
    fi = next(((j, i) for j in jobs for i, l in enumerate(doc[j].get("script") or [])
               if isinstance(l, str) and l.rstrip().endswith("fi")), None)
    if fi:
        d = copy.deepcopy(doc)
        d[fi[0]]["script"][fi[1]] = d[fi[0]]["script"][fi[1]].rstrip()[:-2]
        out.append(("an if without its fi", d, "syntax error"))
    d = copy.deepcopy(doc)
    d[job]["stage"] = "no-such-stage"
    out.append(("a stage not in 'stages'", d, "is not one of the stages"))
    return out


# --- Kubernetes ------------------------------------------------------------

def strict(node):
    """kubectl's strictness: no field the API does not define; null is no value."""
    if isinstance(node, list):
        return [strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: strict(v) for k, v in node.items()}
    if "$ref" in node and isinstance(node["$ref"], str) and not node["$ref"].startswith("#"):
        node["$ref"] = "#/definitions/" + node["$ref"].rstrip("#")
    one = node.get("oneOf")
    if isinstance(one, list) and len(one) == 2 and {"type": "null"} in one:
        rest = dict(node)
        del rest["oneOf"]
        rest.update(one[0] if one[1] == {"type": "null"} else one[1])
        node = rest
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    return node


class Kubernetes:
    def __init__(self, schema, jsonschema):
        defs = strict(schema["definitions"])
        self.kinds = {}
        for name, d in defs.items():
            props = d.get("properties", {})
            av, kind = props.get("apiVersion", {}).get("enum"), props.get("kind", {}).get("enum")
            if av and kind and len(av) == 1 and len(kind) == 1:
                self.kinds[(av[0], kind[0])] = name
        self.defs = defs
        self.jsonschema = jsonschema

    def validator(self, name):
        sch = {"$schema": "http://json-schema.org/draft-07/schema#",
               "$ref": "#/definitions/" + name, "definitions": self.defs}
        return self.jsonschema.Draft7Validator(sch)

    def lint(self, docs, others=()):
        """Problems of one file's documents; others: the documents of the other files."""
        out = []
        defined = {(d.get("kind"), (d.get("metadata") or {}).get("name"))
                   for d in list(docs) + list(others) if isinstance(d, dict)}
        for i, d in enumerate(docs):
            if not isinstance(d, dict):
                out.append("document %d: not a mapping" % i)
                continue
            label = "%s %s" % (d.get("kind"), (d.get("metadata") or {}).get("name"))
            name = self.kinds.get((d.get("apiVersion"), d.get("kind")))
            if name is None:
                out.append("%s: no schema for apiVersion %r, kind %r" % (label, d.get("apiVersion"), d.get("kind")))
                continue
            out += ["%s: %s" % (label, e) for e in schema_errors(self.validator(name), d)]
            out += ["%s: %s" % (label, e) for e in self.refs(d, defined)]
        return out + ["%s" % e for e in shard_counts(list(docs) + list(others))]

    @staticmethod
    def refs(d, defined):
        out = []
        if not (d.get("metadata") or {}).get("name"):
            out.append("metadata/name: an object needs a name")
        if d.get("kind") == "ConfigMap":
            for key, value in (d.get("data") or {}).items():
                if key.endswith(".sh") and isinstance(value, str):
                    out += ["data/%s: %s" % (key, e) for e in shell_errors(value, "sh")]
        spec = d.get("spec") if isinstance(d.get("spec"), dict) else {}
        if d.get("kind") == "Job":
            if spec.get("completionMode") == "Indexed" and not spec.get("completions"):
                out.append("spec/completions: required when completionMode is Indexed")
            pod = ((spec.get("template") or {}).get("spec")) or {}
        elif d.get("kind") == "CronJob":
            pod = ((((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec")) or {}
        else:
            return out
        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        for v in volumes.values():
            for kind, key, ref in (("ConfigMap", "configMap", "name"), ("Secret", "secret", "secretName"),
                                   ("PersistentVolumeClaim", "persistentVolumeClaim", "claimName")):
                src = v.get(key)
                if isinstance(src, dict) and not src.get("optional") and (kind, src.get(ref)) not in defined:
                    out.append("volume %s: %s %r is not defined in these files" % (v.get("name"), kind, src.get(ref)))
        for group in ("initContainers", "containers"):
            for c in pod.get(group) or []:
                for m in c.get("volumeMounts") or []:
                    if m.get("name") not in volumes:
                        out.append("%s %s: volumeMount %r names no volume of the pod" % (
                            group, c.get("name"), m.get("name")))
                for e in c.get("env") or []:
                    src = (e.get("valueFrom") or {})
                    for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                        r = src.get(key)
                        if isinstance(r, dict) and not r.get("optional") and (kind, r.get("name")) not in defined:
                            out.append("%s %s: env %s: %s %r is not defined in these files" % (
                                group, c.get("name"), e.get("name"), kind, r.get("name")))
        return out


def shard_counts(docs):
    """pirscan's own rule: SHARDS of every Job is the Indexed Job's completions."""
    jobs = [d for d in docs if isinstance(d, dict) and d.get("kind") == "Job"
            and isinstance(d.get("spec"), dict)]
    indexed = [j["spec"].get("completions") for j in jobs if j["spec"].get("completionMode") == "Indexed"]
    out = []
    for j in jobs:
        for c in ((j["spec"].get("template") or {}).get("spec") or {}).get("containers") or []:
            for e in c.get("env") or []:
                if e.get("name") == "SHARDS" and any(str(n) != e.get("value") for n in indexed):
                    out.append("Job %s: SHARDS is %r, the Indexed Job's completions %s" % (
                        j["metadata"].get("name"), e.get("value"), indexed))
    return out


def kubernetes_mistakes(docs):
    out = []
    idx = next(i for i, d in enumerate(docs) if d.get("kind") == "Job" and d["spec"].get("completionMode"))
    d = copy.deepcopy(docs)
    d[idx]["spec"]["completionMod"] = d[idx]["spec"].pop("completionMode")
    out.append(("'completionMode' misspelt", d, "'completionMod' was unexpected"))
    d = copy.deepcopy(docs)
    d[idx]["spec"]["parallelism"] = str(d[idx]["spec"].get("parallelism", 1))
    out.append(("parallelism given as a string", d, "is not of type 'integer'"))
    d = copy.deepcopy(docs)
    del d[idx]["spec"]["completions"]
    out.append(("an Indexed Job without completions", d, "required when completionMode is Indexed"))
    d = copy.deepcopy(docs)
    c = d[idx]["spec"]["template"]["spec"]["containers"][0]
    c["volumeMounts"][0]["name"] += "-typo"
    out.append(("a volume mount naming no volume", d, "names no volume of the pod"))
    d = copy.deepcopy(docs)
    pod = d[idx]["spec"]["template"]["spec"]
    v = next(v for v in pod["volumes"] if "configMap" in v)
    v["configMap"]["name"] += "-typo"
    out.append(("a ConfigMap that is not defined", d, "is not defined in these files"))
    d = copy.deepcopy(docs)
    c = d[idx]["spec"]["template"]["spec"]["containers"][0]
    c["volumeMounts"][0]["readonly"] = c["volumeMounts"][0].pop("readOnly", True)
    out.append(("'readOnly' misspelt in a volume mount", d, "'readonly' was unexpected"))
    d = copy.deepcopy(docs)
    d[idx]["spec"]["completions"] += 1
    out.append(("completions changed, SHARDS not", d, "the Indexed Job's completions"))
    cm = next((i for i, x in enumerate(docs) if x.get("kind") == "ConfigMap"
               and any(k.endswith(".sh") for k in x.get("data") or {})), None)
    if cm is not None:
        d = copy.deepcopy(docs)
        key = next(k for k in d[cm]["data"] if k.endswith(".sh"))
        d[cm]["data"][key] += "if true; then\n"
        out.append(("a script's if without its fi", d, "data/" + key))
    return out


def main(argv):
    if len(argv) < 4 or argv[1] not in ("gitlab", "kubernetes"):
        print(__doc__.strip().splitlines()[2])
        return 2
    what, schema_path, files = argv[1], argv[2], argv[3:]
    fetch = "fetch-gitlab-ci-schema.sh" if what == "gitlab" else "fetch-kubernetes-schema.sh"
    if not os.path.exists(schema_path):
        skip("%s is missing (run tests/schemas/%s)" % (schema_path, fetch))
    try:
        import jsonschema
    except ImportError:
        skip("the jsonschema module is not available (Debian: python3-jsonschema)")
    try:
        import yaml
    except ImportError:
        skip("the yaml module is not available (Debian: python3-yaml)")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)

    if what == "gitlab":
        jsonschema.Draft7Validator.check_schema(schema)
        v = jsonschema.Draft7Validator(schema)

        def lint(docs):
            return schema_errors(v, docs[0]) + gitlab_refs(docs[0])
        mistakes = lambda docs: [(w, [d], m) for w, d, m in gitlab_mistakes(docs[0])]
    else:
        k = Kubernetes(schema, jsonschema)
        lint = k.lint
        mistakes = kubernetes_mistakes

    passed = failed = 0
    loaded = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            loaded.append([d for d in yaml.safe_load_all(f) if d is not None])
    # Kubernetes manifests may name objects of the other files given.
    rest = lambda i: [d for j, docs in enumerate(loaded) if j != i for d in docs]
    for i, (path, docs) in enumerate(zip(files, loaded)):
        if what == "gitlab":
            problems = lint(docs) if len(docs) == 1 else ["a pipeline is one YAML document, not %d" % len(docs)]
        else:
            problems = lint(docs, rest(i))
        for p in problems:
            print("%s: %s" % (path, p))
        if problems:
            failed += 1
        else:
            passed += 1
    # The linter must be able to fail: known mistakes in a copy of the first
    # pipeline, or of all the manifests together.
    sample = loaded[0] if what == "gitlab" else [d for docs in loaded for d in docs]
    for name, docs, expect in mistakes(sample):
        if any(expect in p for p in lint(docs)):
            passed += 1
        else:
            failed += 1
            print("%s: the linter did not find a known mistake: %s" % (
                files[0] if what == "gitlab" else "the manifests", name))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
