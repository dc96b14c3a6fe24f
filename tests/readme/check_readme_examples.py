#!/usr/bin/env python3
"""Runs `wf validate` on the workflow examples of README.md.

The convention (see the README's source): an HTML comment right before a
```yaml block says what `wf validate` must say about it.

  <!-- wf-validate: expect-ok NAME.yaml -->      the block is a valid workflow
  <!-- wf-validate: expect-error NAME.yaml -->   the block is an invalid one
  <!-- wf-validate: skip -->                     a fragment, not a workflow

Each block is saved as NAME.yaml in a scratch folder holding links to every
top-level entry of the repository, so paths in it (workflows/deploy-testnet/
chart, ...) resolve as if the file were at the repository's root. When a
```console block of the README starts with `$ wf validate NAME.yaml`, the rest
of that block must be exactly what wf prints. A ```yaml block with a top-level
`steps:` and no comment fails the check, and so does a step type listed by
`wf steps` that no valid example uses.
"""
import argparse
import shutil
import os
import re
import subprocess
import sys
import tempfile

MARK = re.compile(r"^<!-- wf-validate: (expect-ok|expect-error|skip)(?: (\S+))? -->$")
FENCE = re.compile(r"^```(\w*)\s*$")


def fenced_blocks(lines):
    """(start line number, language, body lines, marker match or None)."""
    blocks, i, mark = [], 0, None
    while i < len(lines):
        m = MARK.match(lines[i].strip())
        if m:
            mark = (m, i + 1)
            i += 1
            continue
        f = FENCE.match(lines[i])
        if f:
            start, lang, body = i + 1, f.group(1), []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append((start, lang, body, mark[0] if mark else None))
            mark = None
        elif lines[i].strip() and mark:
            sys.exit(f"README.md:{mark[1]}: a wf-validate comment must come right before a ```yaml block")
        i += 1
    return blocks


def scratch_dir(root):
    d = tempfile.mkdtemp(prefix="wf-readme-")
    root = os.path.abspath(root)
    for entry in os.listdir(root):
        if entry not in (".git", "build", ".wf"):
            os.symlink(os.path.join(root, entry), os.path.join(d, entry))
    return d


def validate(wf, folder, name, text):
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)
    p = subprocess.run([wf, "validate", name], cwd=folder, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wf", required=True)
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    readme = os.path.join(args.root, "README.md")
    lines = open(readme, encoding="utf-8").read().split("\n")
    blocks = fenced_blocks(lines)
    consoles = {b[2][0][2:].strip(): (b[0], b[2][1:]) for b in blocks
                if b[1] == "console" and b[2] and b[2][0].startswith("$ wf validate ")}
    folder = scratch_dir(args.root)
    failures, checked, used_types = [], 0, set()
    for start, lang, body, mark in blocks:
        text = "\n".join(body) + "\n"
        if mark is None:
            if lang == "yaml" and re.search(r"^steps:", text, re.M):
                failures.append(f"README.md:{start}: a workflow without a wf-validate comment")
            continue
        kind, name = mark.group(1), mark.group(2)
        if kind == "skip":
            continue
        if lang != "yaml" or not name:
            failures.append(f"README.md:{start}: wf-validate needs a NAME.yaml and a ```yaml block")
            continue
        rc, out = validate(args.wf, folder, name, text)
        checked += 1
        want_rc = 0 if kind == "expect-ok" else 2
        if rc != want_rc:
            failures.append(f"README.md:{start}: {name}: {kind}, but wf validate exited {rc}:\n{out}")
        elif kind == "expect-ok" and "warning" in out:
            failures.append(f"README.md:{start}: {name}: expect-ok, but wf validate warns:\n{out}")
        if kind == "expect-ok":
            used_types.update(re.findall(r"^\s+uses: ([\w-]+)\s*$", text, re.M))
            if re.search(r"^\s+run: ", text, re.M):
                used_types.add("run")
        shown = consoles.get(f"wf validate {name}")
        if shown and out.rstrip("\n").split("\n") != shown[1]:
            failures.append(f"README.md:{shown[0]}: `wf validate {name}` prints, today:\n{out}")
    listed = subprocess.run([args.wf, "steps"], capture_output=True, text=True).stdout
    types = set(re.findall(r"^  ([a-z][\w-]*)  ", listed, re.M))
    for t in sorted(types - used_types):
        failures.append(f"README.md: no valid example uses the step type '{t}'")
    if checked == 0:
        failures.append("README.md: no wf-validate examples found")
    shutil.rmtree(folder, ignore_errors=True)
    for f in failures:
        print(f)
    print(f"{checked} README examples checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
