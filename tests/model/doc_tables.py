#!/usr/bin/python3
# doc_tables.py: the key tables of docs/security-file.md are generated from the JSON Schema (which is
# generated from the loader's table), so the reference cannot drift from what medsec accepts.
# usage: doc_tables.py REPO_ROOT [--write]   (without --write: exit 1 when the doc is out of date)
import json, os, re, sys

root = sys.argv[1]
schema = json.load(open(os.path.join(root, "docs/schema/security-file.schema.json")))
doc_path = os.path.join(root, "docs/security-file.md")


def typ(p):
    if "$ref" in p:
        n = p["$ref"].split("/")[-1]
        return "mapping ([%s](#%s))" % (n, n.lower())
    if p.get("type") == "array":
        it = p["items"]
        if "$ref" in it:
            n = it["$ref"].split("/")[-1]
            return "list of [%s](#%s)" % (n, n.lower()) + (", at least %d" % p["minItems"] if "minItems" in p else "")
        return "list of " + typ(it) + (", at least %d" % p["minItems"] if "minItems" in p else "")
    if "allOf" in p:
        return typ(p["allOf"][0])
    if "enum" in p:
        return "one of " + ", ".join("`%s`" % v for v in p["enum"])
    if p.get("type") == "integer":
        if p["minimum"] == p["maximum"]:
            return "`%d`" % p["minimum"]
        return "integer %d..%d" % (p["minimum"], p["maximum"])
    if p.get("type") == "boolean":
        return "`true` / `false`"
    if p.get("format") == "date":
        return "date `YYYY-MM-DD`"
    if "x-medsec-references" in p:
        return "id of " + " / ".join(p["x-medsec-references"])
    if "x-medsec-file" in p:
        return "relative path (%s)" % {"sbom": "SBOM file", "rubric": "rubric answers file"}.get(p["x-medsec-file"], "file")
    return "string"


def table(d):
    rows = ["| key | type | req. | meaning |", "|---|---|---|---|"]
    for k, p in d["properties"].items():
        rows.append("| `%s` | %s | %s | %s |" % (k, typ(p), "yes" if k in d["required"] else "", p.get("description", "")))
    return rows


lines = open(doc_path).read().split("\n")
out, section, i, seen = [], None, 0, set()
while i < len(lines):
    line = lines[i]
    m = re.match(r"^### (\w+)$", line)
    if m:
        section = m.group(1)
    elif line == "## Keys":
        section = "device.yaml"
    if line.startswith("| key | type | req. | meaning |"):
        d = schema if section == "device.yaml" else schema["$defs"].get(section)
        if d is None:
            sys.exit("doc_tables: a key table under unknown section '%s'" % section)
        seen.add(section)
        out.extend(table(d))
        while i < len(lines) and lines[i].startswith("|"):
            i += 1
        continue
    out.append(line)
    i += 1
missing = ({"device.yaml"} | set(schema["$defs"])) - seen
if missing:
    sys.exit("doc_tables: no key table for: " + ", ".join(sorted(missing)))
new = "\n".join(out)
if "--write" in sys.argv:
    open(doc_path, "w").write(new)
elif new != open(doc_path).read():
    sys.exit("doc_tables: docs/security-file.md key tables differ from the schema; run "
             "tests/model/doc_tables.py . --write")
print("doc_tables: %d tables up to date" % len(seen))
