#!/usr/bin/python3
"""validate_examples.py: checks every example device SBOM against the official CycloneDX / SPDX 2.3 JSON schemas.

Usage: validate_examples.py SHARED_DATA_DIR REPO_ROOT. Exits 77 (skip) when the shared data is absent.
"""
import glob
import json
import os
import sys

try:
    import jsonschema
    from jsonschema import RefResolver
except ImportError:  # Debian's python3-jsonschema is required; see scripts/deps.sh
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(77)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    if len(sys.argv) != 3:
        print("usage: validate_examples.py SHARED_DATA_DIR REPO_ROOT", file=sys.stderr)
        return 2
    data, root = sys.argv[1], sys.argv[2]
    cdx_dir = os.path.join(data, "schemas", "cyclonedx")
    spdx_schema = os.path.join(data, "schemas", "spdx", "spdx-2.3-schema.json")
    if not os.path.isdir(cdx_dir) or not os.path.isfile(spdx_schema):
        print("SKIP: %s has no schemas/ (../shared/data is absent)" % data)
        return 77
    # The CycloneDX schemas $ref spdx.schema.json and jsf-0.82.schema.json by relative name.
    store = {}
    for f in glob.glob(os.path.join(cdx_dir, "*.json")):
        doc = load(f)
        store[os.path.basename(f)] = doc
        if "$id" in doc:
            store[doc["$id"]] = doc
    files = sorted(glob.glob(os.path.join(root, "examples", "*", "sbom", "**", "*.json"), recursive=True))
    if not files:
        print("FAIL: no example SBOMs under %s/examples/*/sbom" % root)
        return 1
    failed = 0
    for path in files:
        doc = load(path)
        rel = os.path.relpath(path, root)
        if doc.get("bomFormat") == "CycloneDX":
            name = "bom-%s.schema.json" % doc.get("specVersion")
            schema = store.get(name)
            if schema is None:
                print("FAIL %s: no schema %s" % (rel, name))
                failed += 1
                continue
            resolver = RefResolver(base_uri="file://%s/" % cdx_dir, referrer=schema, store=store)
            validator = jsonschema.Draft7Validator(schema, resolver=resolver)
            kind = "CycloneDX " + doc["specVersion"]
        elif doc.get("spdxVersion") == "SPDX-2.3":
            validator = jsonschema.Draft7Validator(load(spdx_schema))
            kind = "SPDX 2.3"
        else:
            print("FAIL %s: neither CycloneDX nor SPDX 2.3" % rel)
            failed += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            print("FAIL %s: %s at /%s" % (rel, e.message[:200], "/".join(str(p) for p in e.path)))
        if errors:
            failed += 1
        else:
            print("ok   %s (%s)" % (rel, kind))
    print("%d files, %d invalid" % (len(files), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
