#!/usr/bin/python3
"""corpus_expect.py: an independent (Python json) count of the SBOM corpora, for sbom_corpus.c.

Writes corpus_expected.inc ({"name", components, deps}) and corpus_failures.inc (names that are not
a supported JSON SBOM). Rules: CycloneDX components are counted recursively, without
metadata.component, when they are objects with a non-empty string name and a bom-ref not seen
before; SPDX packages likewise (SPDXID). Dependencies are distinct (from, to) pairs of kept
components, from != to; SPDX relationship types as documented in include/medsec/sbom.h.

usage: corpus_expect.py SHARED_DATA_DIR OUT_DIR
"""
import gzip
import json
import os
import sys
import tarfile

FWD = {"DEPENDS_ON", "CONTAINS", "STATIC_LINK", "DYNAMIC_LINK", "HAS_PREREQUISITE"}
REV = {"DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF", "DEV_DEPENDENCY_OF",
       "OPTIONAL_DEPENDENCY_OF", "PROVIDED_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "CONTAINED_BY",
       "PREREQUISITE_FOR"}


def s(v):
    return v if isinstance(v, str) and v != "" else None


def count(doc):
    """(components, deps) or None when the document is not a supported SBOM."""
    if not isinstance(doc, dict):
        return None
    if "bomFormat" in doc:
        if doc["bomFormat"] != "CycloneDX" or doc.get("specVersion") not in ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7"):
            return None
        refs, n = set(), 0

        def walk(c, counted):
            nonlocal n
            if not isinstance(c, dict):
                return
            keep = s(c.get("name")) is not None
            r = s(c.get("bom-ref"))
            if keep and r is not None:
                if r in refs:
                    keep = False
                else:
                    refs.add(r)
            if keep and counted:
                n += 1
            kids = c.get("components")
            if isinstance(kids, list):
                for k in kids:
                    walk(k, True)

        meta = doc.get("metadata")
        if isinstance(meta, dict) and "component" in meta:
            walk(meta["component"], False)
        top = doc.get("components")
        if isinstance(top, list):
            for c in top:
                walk(c, True)
        edges = set()
        deps = doc.get("dependencies")
        for d in deps if isinstance(deps, list) else []:
            if not isinstance(d, dict) or s(d.get("ref")) not in refs:
                continue
            on = d.get("dependsOn")
            for t in on if isinstance(on, list) else []:
                if isinstance(t, str) and t in refs and t != d["ref"]:
                    edges.add((d["ref"], t))
        return n, len(edges)
    if "spdxVersion" in doc:
        if doc["spdxVersion"] not in ("SPDX-2.2", "SPDX-2.3"):
            return None
        refs, n = set(), 0
        pk = doc.get("packages")
        for p in pk if isinstance(pk, list) else []:
            if not isinstance(p, dict) or s(p.get("name")) is None:
                continue
            r = s(p.get("SPDXID"))
            if r is not None and r in refs:
                continue
            if r is not None:
                refs.add(r)
            n += 1
        edges = set()
        rel = doc.get("relationships")
        for r in rel if isinstance(rel, list) else []:
            if not isinstance(r, dict):
                continue
            a, t, b = r.get("spdxElementId"), r.get("relationshipType"), r.get("relatedSpdxElement")
            if not all(isinstance(x, str) for x in (a, t, b)) or a not in refs or b not in refs or a == b:
                continue
            if t in FWD:
                edges.add((a, b))
            elif t in REV:
                edges.add((b, a))
        return n, len(edges)
    return None


def load(data):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None


def main():
    data, out = sys.argv[1], sys.argv[2]
    items = []
    for arc in ("cyclonedx-bom-examples-json.tar.gz", "cve-bin-tool-test-sbom-vex.tar.gz",
                "bom-shelter-in-the-wild.tar.gz", "bom-shelter-in-the-lab-40-largest.tar.gz"):
        with tarfile.open(os.path.join(data, "sbom", arc)) as t:
            for m in t.getmembers():
                leaf = os.path.basename(m.name)
                if m.isfile() and m.name.endswith(".json") and not leaf.startswith("."):
                    items.append(("%s:%s" % (arc, m.name), t.extractfile(m).read()))
    for d, suf in (("peer-samples", ".json"), ("medical-adjacent", ".json.gz")):
        folder = os.path.join(data, "sbom", d)
        for f in sorted(os.listdir(folder)):
            if f.endswith(suf):
                raw = open(os.path.join(folder, f), "rb").read()
                items.append((f, gzip.decompress(raw) if f.endswith(".gz") else raw))
    exp, fail = [], []
    for name, raw in items:
        c = count(load(raw))
        if c is None:
            fail.append(name)
        else:
            exp.append((name, c[0], c[1]))
    with open(os.path.join(out, "corpus_expected.inc"), "w") as f:
        f.write("/* corpus_expected.inc: generated by corpus_expect.py (Python json), see there. */\n")
        for name, n, e in exp:
            f.write('{"%s", %d, %d},\n' % (name, n, e))
    with open(os.path.join(out, "corpus_failures.inc"), "w") as f:
        f.write("/* corpus_failures.inc: generated by corpus_expect.py: not a supported JSON SBOM. */\n")
        for name in fail:
            f.write('"%s",\n' % name)
    print("%d expected counts, %d expected failures" % (len(exp), len(fail)))


if __name__ == "__main__":
    main()
