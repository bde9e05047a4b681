#!/usr/bin/python3
"""check_schema.py: `medsec docs --json` validated against docs/schema/docs.schema.json, for both
examples and for the synthetic set of test_docs_model (every block kind, gaps), plus what a schema
cannot say: tables are rectangular, the areas add up to the gaps, every gap names a document that
shows it as a GAP callout, the files listed are the files written, every document has its page in
each format, and every relative link and anchor in the Markdown and HTML leads somewhere.

usage: check_schema.py MEDSEC_BINARY TEST_DOCS_MODEL SOURCE_ROOT   (exit 77 without python3-jsonschema)
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("check_schema: python3-jsonschema is not installed (scripts/deps.sh --test)")
    sys.exit(77)

medsec, model_test, root = sys.argv[1:4]
schema = json.load(open(os.path.join(root, "docs/schema/docs.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def check(name, doc, outdir):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        failures.append(f"{name}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
    ids = {d["id"] for d in doc["documents"]}
    for d in doc["documents"]:
        for b in d["blocks"]:
            if b["kind"] == "table":
                for r in b["rows"]:
                    if len(r) != len(b["head"]):
                        failures.append(f"{name}: {d['id']}: a row of {len(r)} cells under {len(b['head'])} headers")
    if sum(a["gaps"] for a in doc["gap_areas"]) != len(doc["gaps"]):
        failures.append(f"{name}: the areas count {sum(a['gaps'] for a in doc['gap_areas'])} gaps, the list has {len(doc['gaps'])}")
    for g in doc["gaps"]:
        if g["document"] not in ids:
            failures.append(f"{name}: gap {g['area']} {g['item']} names no document ({g['document']})")
            continue
        d = next(d for d in doc["documents"] if d["id"] == g["document"])
        shown = [b for b in d["blocks"] if b["kind"] == "callout" and b["callout"] == "gap" and g["text"] in b["text"]]
        if not shown:
            failures.append(f"{name}: gap {g['area']} {g['item']} is not shown in {d['id']}")
    callouts = sum(1 for d in doc["documents"] for b in d["blocks"] if b["kind"] == "callout" and b["callout"] == "gap")
    if callouts != len(doc["gaps"]):
        failures.append(f"{name}: {callouts} GAP callouts for {len(doc['gaps'])} gaps")
    if outdir:
        written = set()
        top = os.path.join(outdir, "files")
        for base, _, files in os.walk(top):
            for f in files:
                written.add(os.path.relpath(os.path.join(base, f), top))
        listed = {f["name"] for f in doc["files"]}
        if written != listed:
            failures.append(f"{name}: files listed {sorted(listed)[:5]} but written {sorted(written)[:5]}")
    if outdir:
        check_links(name, doc, outdir)
    return bool(errors)


def check_links(name, doc, outdir):
    for fmt, ext, pattern in (("md", ".md", r"\]\(([^)#]+)(#[^)]*)?\)"),
                              ("html", ".html", r"href=\"([^\"#]*)(#[^\"]*)?\"")):
        top = os.path.join(outdir, fmt)
        if not os.path.isdir(top):
            continue
        for d in doc["documents"]:
            if not os.path.exists(os.path.join(top, d["id"] + ext)):
                failures.append(f"{name}: {fmt}/{d['id']}{ext} is missing")
        for page in sorted(os.listdir(top)):
            if not page.endswith(ext):
                continue
            text = open(os.path.join(top, page), encoding="utf-8").read()
            all_ids = re.findall(r'id="([^"]+)"', text)
            ids = set(all_ids)
            if len(ids) != len(all_ids):
                dup = sorted({i for i in all_ids if all_ids.count(i) > 1})
                failures.append(f"{name}: {fmt}/{page} has the id {dup[:3]} more than once")
            for target, anchor in re.findall(pattern, text):
                if target and not os.path.exists(os.path.join(top, target)):
                    failures.append(f"{name}: {fmt}/{page} links to {target}, which is not there")
                if anchor and not target and anchor[1:] not in ids:
                    failures.append(f"{name}: {fmt}/{page} links to {anchor}, which is not on the page")


with tempfile.TemporaryDirectory() as tmp:
    for ex in ("infusion-pump", "glucose-cloud"):
        out = os.path.join(tmp, ex)
        r = subprocess.run([medsec, "docs", os.path.join(root, "examples", ex), "-o", out, "--json",
                            "--source-commit", "schema"], capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{ex}: medsec docs exited {r.returncode}: {r.stderr[:300]}")
            continue
        doc = json.loads(r.stdout)
        check(ex, doc, out)
        if doc["control"]["sources"][0]["path"] != "device.yaml":
            failures.append(f"{ex}: device.yaml is not the first source")
    sample = os.path.join(tmp, "sample")
    subprocess.run([model_test, "--write-sample", sample], check=True)
    doc = json.load(open(os.path.join(sample, "docs.json")))
    check("sample", doc, sample)
    kinds = {b["kind"] for d in doc["documents"] for b in d["blocks"]}
    if len(kinds) != 7:
        failures.append(f"sample: only block kinds {sorted(kinds)}")
    # the schema does reject what it must: a bad hash, a missing area, an unknown block kind
    for what, mutate in (("content hash", lambda d: d["control"].__setitem__("content_sha256", "x")),
                         ("known area", lambda d: d["gap_areas"].pop(0)),
                         ("block kind", lambda d: d["documents"][0]["blocks"][0].__setitem__("kind", "blink"))):
        bad = copy.deepcopy(doc)
        mutate(bad)
        if validator.is_valid(bad):
            failures.append(f"the schema accepts a wrong {what}")

for f in failures:
    print("check_schema:", f)
sys.exit(1 if failures else 0)
