#!/usr/bin/python3
"""Checks workflows/wf.schema.json, the JSON Schema of wf workflow files.

1. The schema is a valid draft-07 schema, and every entry of every
   `properties` has a `title` and a `description` (editors show them).
2. Every workflow file validates: the files given on the command line, or by
   default every *.yaml / *.yml under examples/, workflows/ and
   tests/data/workflows/valid/ of --root. Prints `ok FILE`, or each error
   with its JSON path.
3. Embedded cases: snippets that must be rejected (so the schema cannot
   silently become too permissive) and snippets that must be accepted (YAML
   implicit types that must not trip it).

YAML is read as wf's loader reads it: YAML 1.2 core schema (only
true/false are booleans, no timestamps, no sexagesimal or 0-prefixed octal
numbers), duplicate keys are errors.

Exit status: 0 when everything passes; 1 when the schema is invalid, any file
or embedded case fails, or there are no files to check.

Usage: check_schema.py [--root DIR] [--schema FILE] [FILE...]
Needs python3-jsonschema (>= 4.0) and python3-yaml.
"""

import argparse
import json
import math
import pathlib
import re
import sys

import jsonschema
import yaml

DEFAULT_DIRS = ("examples", "workflows", "tests/data/workflows/valid")
SCHEMA_PATH = "workflows/wf.schema.json"

# --------------------------------------------------------------------------
# YAML 1.2 core schema loader, with duplicate keys as errors.

_DROPPED_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core schema scalars and duplicate-key errors."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        "duplicate key '%s' (first at line %d)" % (key_node.value, seen[key].line + 1),
                        key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return -math.inf if text.startswith("-") else math.inf
    if text == ".nan":
        return math.nan
    return float(text)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _json_key(key):
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _to_json(value):
    """Mapping keys become strings, as in JSON (and as editors see them)."""
    if isinstance(value, dict):
        return {_json_key(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


def load_yaml(text):
    return _to_json(yaml.load(text, Loader=Yaml12Loader))


# --------------------------------------------------------------------------
# Error reporting.

def _message(error):
    """jsonschema's message with a long leading repr of the value shortened."""
    msg = error.message
    shown = repr(error.instance)
    if len(shown) > 60 and msg.startswith(shown):
        msg = "value" + msg[len(shown):]
    return msg


def _error_lines(error, depth=0):
    lines = ["%s%s: %s" % ("    " * depth, error.json_path, _message(error))]
    if error.context and depth < 2:
        # The alternatives of a oneOf/anyOf: show why each one failed.
        subs = sorted(error.context, key=lambda e: (list(map(str, e.absolute_path)), e.message))
        shown = set()
        for sub in subs:
            key = (sub.json_path, sub.message)
            if key in shown:
                continue
            shown.add(key)
            lines.extend(_error_lines(sub, depth + 1))
    return lines


def validation_errors(validator, text):
    """Every problem of one workflow text, as printable lines (empty: valid)."""
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as e:
        text = " ".join(str(e).replace(' in "<unicode string>",', "").split())
        return ["invalid YAML: " + text]
    errors = sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    lines = []
    for error in errors:
        lines.extend(_error_lines(error))
    return lines


# --------------------------------------------------------------------------
# Schema lint: titles and descriptions on every property.

def _resolve(schema, node):
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not ref or not ref.startswith("#/"):
        return node
    target = schema
    for part in ref[2:].split("/"):
        target = target[part]
    return target


def lint_schema(schema):
    problems = []

    def walk(node, path):
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, "%s/%d" % (path, i))
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in ("if", "then", "else", "not", "examples", "default", "enum", "const"):
                continue  # conditions and values, not documented properties
            if key == "properties" and isinstance(value, dict):
                for name, prop in value.items():
                    documented = prop if "title" in prop and "description" in prop else _resolve(schema, prop)
                    for needed in ("title", "description"):
                        if not isinstance(documented, dict) or needed not in documented:
                            problems.append("%s/properties/%s: no %s" % (path, name, needed))
            walk(value, "%s/%s" % (path, key))

    walk(schema, "#")
    return problems


# --------------------------------------------------------------------------
# Embedded cases.

# Each must be rejected.
MUST_FAIL = [
    ("unknown top-level key", """
name: x
stepz: {}
steps: { a: { run: echo } }
"""),
    ("no steps", """
name: x
"""),
    ("step with both uses and run", """
steps:
  a: { uses: run, run: echo, with: { script: echo } }
"""),
    ("step with neither uses nor run", """
steps:
  a: { name: A }
"""),
    ("unknown step key", """
steps:
  a: { run: echo, timeout_total: 1m }
"""),
    ("bad duration '10 minutes'", """
steps:
  a: { run: echo, timeout: 10 minutes }
"""),
    ("duration units out of order", """
steps:
  a: { run: echo, timeout: 30m1h }
"""),
    ("duration with a fraction", """
steps:
  a: { run: echo, timeout: 1.5h }
"""),
    ("duration as an expression", """
steps:
  a: { run: echo, timeout: "${{ inputs.t }}" }
"""),
    ("duration as a number other than 0", """
defaults: { timeout: 30 }
steps:
  a: { run: echo }
"""),
    ("empty duration", """
steps:
  a: { run: echo, timeout-total: "" }
"""),
    ("retry.when with an unknown class", """
steps:
  a: { run: echo, retry: { limit: 2, when: [transient, flaky] } }
"""),
    ("negative retry limit", """
steps:
  a: { run: echo, retry: -1 }
"""),
    ("unknown retry key", """
steps:
  a: { run: echo, retry: { limit: 2, on: [transient] } }
"""),
    ("backoff factor below 1", """
defaults: { retry: { limit: 2, backoff: { factor: 0.5 } } }
steps:
  a: { run: echo }
"""),
    ("bad backoff delay", """
steps:
  a: { run: echo, retry: { limit: 1, backoff: { delay: soon } } }
"""),
    ("step id with a space", """
steps:
  "my step": { run: echo }
"""),
    ("step id starting with a digit", """
steps:
  1st: { run: echo }
"""),
    ("needs naming a bad id", """
steps:
  a: { run: echo }
  b: { run: echo, needs: [a b] }
"""),
    ("needs as a map", """
steps:
  a: { run: echo }
  b: { run: echo, needs: { a: true } }
"""),
    ("if as a list", """
steps:
  a: { run: echo, if: [always()] }
"""),
    ("continue-on-error as a string", """
steps:
  a: { run: echo, continue-on-error: "true" }
"""),
    ("step env value as a map", """
steps:
  a: { run: echo, env: { A: { b: c } } }
"""),
    ("uses: run without with.script", """
steps:
  a: { uses: run, with: { shell: sh } }
"""),
    ("a step type's unknown with key (from the registry's declared parameters)", """
steps:
  a: { uses: terraform, with: { dir: tf, anything: [1, 2] } }
"""),
    ("a step type's missing required parameter", """
steps:
  a: { uses: terraform, with: { action: plan } }
"""),
    ("run step with an unknown with key", """
steps:
  a: { run: echo, with: { scirpt: echo } }
"""),
    ("secret with both env and file", """
secrets:
  token: { env: TOKEN, file: /run/token }
steps:
  a: { run: echo }
"""),
    ("secret with neither env nor file", """
secrets:
  token: { required: false }
steps:
  a: { run: echo }
"""),
    ("unknown input type", """
inputs:
  n: { type: int, default: 1 }
steps:
  a: { run: echo }
"""),
    ("unknown input key", """
inputs:
  n: { default: 1, desc: a number }
steps:
  a: { run: echo }
"""),
    ("boolean input with a string default", """
inputs:
  smoke: { type: boolean, default: "yes" }
steps:
  a: { run: echo }
"""),
    ("choice input without options", """
inputs:
  region: { type: choice, default: eu }
steps:
  a: { run: echo }
"""),
    ("unknown defaults key", """
defaults: { timeout: 1m, if: "${{ always() }}" }
steps:
  a: { run: echo }
"""),
    ("workflow output that is a map", """
steps:
  a: { run: echo }
outputs:
  url: { value: x }
"""),
    ("duplicate key", """
steps:
  a: { run: echo }
  a: { run: echo again }
"""),
]

# Each must be accepted.
MUST_PASS = [
    ("implicit types and short forms", """
name: types
inputs:
  smoke:   { type: boolean, default: true }
  count:   { type: number, default: 3 }
  ratio:   { type: number, default: 0.5 }
  day:     { default: 2024-01-01 }
  flag:    { default: on, required: false }
  version: { default: 1.10 }
  region:  { type: choice, options: [eu, us], default: eu }
secrets:
  token: { env: TOKEN, required: false }
  key:   { file: ~/.key }
env: { on: yes, N: 1, B: true, F: 1.5 }
defaults:
  timeout: 0
  timeout-total: "0"
  retry: 2
  shell: sh
  working-directory: .
steps:
  a: { run: "echo ${{ inputs.day }}", timeout: 1h30m, retry: { limit: 0 } }
  b: { needs: a, if: false, run: echo, timeout: 500ms, continue-on-error: true }
  c:
    needs: [a, b]
    if: ${{ always() }}
    uses: run
    with: { script: echo, shell: bash }
    retry: { limit: 3, when: [failure], backoff: { delay: 1m30s, factor: 1, max-delay: 10m } }
  d: { uses: terraform, with: { dir: tf, vars: { n: 1 } } }
  _e-1: { run: echo, with: { shell: sh }, env: { X: "${{ steps.a.outputs.x }}" } }
outputs:
  day: ${{ inputs.day }}
"""),
]


def run_cases(validator):
    failures = 0
    for label, text in MUST_FAIL:
        if not validation_errors(validator, text):
            print("FAIL negative case accepted: %s" % label)
            failures += 1
    for label, text in MUST_PASS:
        errors = validation_errors(validator, text)
        if errors:
            print("FAIL positive case rejected: %s" % label)
            for line in errors:
                print("    " + line)
            failures += 1
    if not failures:
        print("ok %d negative and %d positive embedded cases" % (len(MUST_FAIL), len(MUST_PASS)))
    return failures


# --------------------------------------------------------------------------

def default_files(root):
    # Workflows are the YAML files directly in each folder; subfolders hold
    # what they use (manifests, charts, kustomizations), which are not workflows.
    files = []
    for d in DEFAULT_DIRS:
        base = root / d
        if base.is_dir():
            files.extend(p for p in base.glob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    return sorted(files)


def main(argv):
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=pathlib.Path, default=here.parent.parent,
                        help="the repository root (default: two levels above this script)")
    parser.add_argument("--schema", type=pathlib.Path, help="the schema (default: ROOT/%s)" % SCHEMA_PATH)
    parser.add_argument("files", nargs="*", type=pathlib.Path, help="workflow files (default: see above)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    schema_path = args.schema or root / SCHEMA_PATH

    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        jsonschema.Draft7Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print("FAIL %s: %s" % (schema_path, e))
        return 1
    failures = 0
    for problem in lint_schema(schema):
        print("FAIL %s: %s" % (schema_path, problem))
        failures += 1
    validator = jsonschema.Draft7Validator(schema)

    failures += run_cases(validator)

    files = args.files or default_files(root)
    if not files:
        print("FAIL no workflow files to check (looked under %s in %s)" % (", ".join(DEFAULT_DIRS), root))
        return 1
    for path in files:
        try:
            shown = path.resolve().relative_to(root)
        except ValueError:
            shown = path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            print("FAIL %s: %s" % (shown, e))
            failures += 1
            continue
        errors = validation_errors(validator, text)
        if errors:
            print("FAIL %s" % shown)
            for line in errors:
                print("    " + line)
            failures += 1
        else:
            print("ok %s" % shown)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
