#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# report_check.py SCHEMA REPORT - validates an lkvm-sev --report against
# doc/report.schema.json with the standard library only: the draft-07
# subset the schema uses (type, enum, required, properties,
# additionalProperties, items, maxItems, minimum, maximum, pattern, local
# $ref). Then the timeline's own rule: every point <= end, and the points
# that happened in the order they can happen. Exit 0 when valid.
import json
import re
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def check(root, s, v, path):
    if "$ref" in s:
        node = root
        for part in s["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return check(root, node, v, path)
    errs = []
    if "type" in s:
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(is_type(v, t) for t in types):
            return [f"{path}: {v!r} is not of type {s['type']}"]
    if "enum" in s and v not in s["enum"]:
        errs.append(f"{path}: {v!r} not in {s['enum']}")
    if isinstance(v, str) and "pattern" in s and not re.search(s["pattern"], v):
        errs.append(f"{path}: {v!r} does not match {s['pattern']}")
    if is_type(v, "number"):
        if "minimum" in s and v < s["minimum"]:
            errs.append(f"{path}: {v} < {s['minimum']}")
        if "maximum" in s and v > s["maximum"]:
            errs.append(f"{path}: {v} > {s['maximum']}")
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                errs.append(f"{path}: '{k}' is required")
        props = s.get("properties", {})
        extra = s.get("additionalProperties", True)
        for k, x in v.items():
            if k in props:
                errs += check(root, props[k], x, f"{path}.{k}")
            elif extra is False:
                errs.append(f"{path}: unexpected '{k}'")
            elif isinstance(extra, dict):
                errs += check(root, extra, x, f"{path}.{k}")
    if isinstance(v, list):
        if "maxItems" in s and len(v) > s["maxItems"]:
            errs.append(f"{path}: more than {s['maxItems']} items")
        for i, x in enumerate(v):
            if "items" in s:
                errs += check(root, s["items"], x, f"{path}[{i}]")
    return errs


def main():
    schema = json.load(open(sys.argv[1]))
    report = json.load(open(sys.argv[2]))
    errs = check(schema, schema, report, "$")
    tl = report.get("timeline_ms", {})
    order = ["vm_created", "firmware_mapped", "launch_finished", "first_guest_exit", "end"]
    seen = [tl[k] for k in order if k in tl]
    if seen != sorted(seen):
        errs.append(f"timeline out of order: {tl}")
    if any(x > tl.get("end", 0) for x in tl.values()):
        errs.append(f"timeline point after end: {tl}")
    for e in errs:
        print(e, file=sys.stderr)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
