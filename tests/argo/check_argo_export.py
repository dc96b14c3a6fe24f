#!/usr/bin/python3
"""Checks `wf export argo` against Argo Workflows' own JSON Schema.

For every workflow file under examples/ and workflows/ of --root (or the files
given): runs `WF export argo FILE`, parses the two YAML documents, and checks
- the Workflow validates against
  #/definitions/io.argoproj.workflow.v1alpha1.Workflow of
  tests/data/argo/argo-workflows.schema.json (draft 2020-12);
- the ConfigMap holds the file's exact text under its file name;
- every task has a template, every template name is a valid DNS-1123 label.
Then a must-fail case: an export with a wrong type put in must be rejected,
so the check cannot pass vacuously.

Validator: python3-jsonschema (Debian package, Draft202012Validator) — the
schema is draft 2020-12 with local $refs only, which it handles fully, and
it reports each error with its JSON path. Needs python3-yaml too.

Usage: check_argo_export.py --wf WF [--root DIR] [FILE...]
"""

import argparse
import copy
import json
import pathlib
import re
import subprocess
import sys

import jsonschema
import yaml

LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def validator(root):
    schema = json.loads((root / "tests/data/argo/argo-workflows.schema.json").read_text())
    wf_schema = dict(schema)
    wf_schema["$ref"] = "#/definitions/io.argoproj.workflow.v1alpha1.Workflow"
    wf_schema.pop("oneOf", None)
    wf_schema.pop("type", None)
    return jsonschema.Draft202012Validator(wf_schema)


def export(wf, path):
    r = subprocess.run([wf, "export", "argo", str(path), "--image", "wf:test"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"wf export argo {path} exited {r.returncode}: {r.stderr}")
    docs = list(yaml.safe_load_all(r.stdout))
    if len(docs) != 2:
        raise RuntimeError(f"{path}: {len(docs)} documents, not 2")
    return docs


def errors_of(v, workflow):
    return [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in v.iter_errors(workflow)]


def check_file(v, wf, path):
    cm, workflow = export(wf, path)
    problems = errors_of(v, workflow)
    if cm.get("kind") != "ConfigMap" or cm["data"].get(path.name) != path.read_text():
        problems.append("the ConfigMap does not hold the file's text under " + path.name)
    templates = {t["name"] for t in workflow["spec"]["templates"]}
    for name in templates:
        if not LABEL.match(name):
            problems.append(f"template name {name!r} is not a DNS-1123 label")
    main = next(t for t in workflow["spec"]["templates"] if t["name"] == workflow["spec"]["entrypoint"])
    for task in main["dag"]["tasks"]:
        if task["template"] not in templates:
            problems.append(f"task {task['name']} names no template")
    return workflow, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wf", required=True)
    ap.add_argument("--root", default=".")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    root = pathlib.Path(a.root)
    files = [pathlib.Path(f) for f in a.files] or sorted(
        p for d in ("examples", "workflows") for p in (root / d).glob("*.y*ml"))
    if not files:
        print("no workflow files to check")
        return 1
    v = validator(root)
    failed = False
    sample = None
    for f in files:
        workflow, problems = check_file(v, a.wf, f)
        sample = sample or workflow
        print(("ok " if not problems else "FAIL ") + str(f))
        for p in problems:
            print("  " + p)
        failed = failed or bool(problems)
    broken = copy.deepcopy(sample)
    broken["spec"]["templates"][0]["dag"]["tasks"][0]["depends"] = ["not", "a", "string"]
    if not errors_of(v, broken):
        print("FAIL a Workflow with a list for depends validated: the check proves nothing")
        failed = True
    else:
        print("ok a wrong type is rejected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
