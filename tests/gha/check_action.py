#!/usr/bin/env python3
"""action.yml against the action metadata schema (tests/data/action-metadata.schema.json),
plus what wf's action must do beyond the schema, and must-fail cases that prove the
check can fail. Needs python3-jsonschema and python3-yaml (scripts/install-deps.sh)."""
import copy
import sys

import jsonschema
import yaml


def errors(schema, doc):
    v = jsonschema.Draft7Validator(schema)
    return sorted(e.message for e in v.iter_errors(doc))


def main():
    action_path, schema_path = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = yaml.safe_load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    with open(action_path) as f:
        action = yaml.safe_load(f)
    failed = []
    for e in errors(schema, action):
        failed.append(f"action.yml: {e}")
    runs = action.get("runs", {})
    if runs.get("using") != "composite":
        failed.append("action.yml: runs.using must be composite")
    steps = runs.get("steps", [])
    run_steps = [s for s in steps if "run" in s]
    if not run_steps or "exec " not in run_steps[-1]["run"] or "run " not in run_steps[-1]["run"]:
        failed.append("action.yml: the last step must `exec` wf run (signals must reach wf)")
    for name in ("workflow", "inputs", "args", "working-directory", "wf-path"):
        if name not in action.get("inputs", {}):
            failed.append(f"action.yml: no input {name!r}")
    for step in run_steps:
        if "${{" in step["run"]:
            failed.append("action.yml: an expression inside run: is code injection; pass it through env")

    # Must-fail cases: each broken copy must be refused by the schema.
    cases = {
        "a composite step without shell": lambda a: a["runs"]["steps"][0].pop("shell"),
        "runs.using unknown": lambda a: a["runs"].__setitem__("using", "compost"),
        "a composite output without value": lambda a: next(iter(a["outputs"].values())).pop("value"),
        "no description": lambda a: a.pop("description"),
        "an unknown top-level key": lambda a: a.__setitem__("runs-on", "linux"),
    }
    for what, breaker in cases.items():
        broken = copy.deepcopy(action)
        breaker(broken)
        if not errors(schema, broken):
            failed.append(f"must-fail case passed: {what}")

    for f in failed:
        print(f, file=sys.stderr)
    if failed:
        return 1
    print(f"{action_path}: valid; {len(cases)} must-fail cases refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
