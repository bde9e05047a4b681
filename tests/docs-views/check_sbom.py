#!/usr/bin/python3
"""check_sbom.py: judges the SBOM exports and support gaps that lib/docs/sbomdoc.c writes.

usage: check_sbom.py VIEWS_DRIVER DEVICE_DIR WORK_DIR SCHEMA_DIR

SCHEMA_DIR is ../shared/data/schemas; exit 77 (skip) without it. For every release of the device:
- every export validates: CycloneDX against bom-1.6.schema.json (with the spdx and jsf schemas it
  references), SPDX against spdx-2.3-schema.json (python3-jsonschema);
- the components read back equal those of the example's SBOM files (name, version, purl), and
  their support properties equal the security file's component_support (read with PyYAML): level
  and end of support, "unknown" where the file has no entry, the release's for the SBOM subject;
- the gap of each SBOM names exactly the components without a level or an end of support.
Property (current release): dropping one component_support entry from a copy of the folder makes that component
"unknown" in both exports and puts it in the gap; with the entry it is in neither.
"""
import json
import os
import shutil
import subprocess
import sys

import jsonschema
import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from devcopy import copy_with, verdict  # noqa: E402


def validators(schemas):
    """CycloneDX 1.6 and SPDX 2.3 validators; the CycloneDX schema's references to its sibling
    schemas resolve to the local files (Debian 12's jsonschema 4.10: RefResolver with a store)."""
    store = {}
    for f in ("spdx.schema.json", "jsf-0.82.schema.json", "bom-1.6.schema.json"):
        with open(os.path.join(schemas, "cyclonedx", f), encoding="utf-8") as fh:
            s = json.load(fh)
        store[f] = s
        if "$id" in s:
            store[s["$id"]] = s
            store[s["$id"].rsplit("/", 1)[0] + "/" + f] = s
    cdx = store["bom-1.6.schema.json"]
    with open(os.path.join(schemas, "spdx", "spdx-2.3-schema.json"), encoding="utf-8") as fh:
        spdx = json.load(fh)
    fc = jsonschema.FormatChecker()
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
        reg = Registry().with_resources(
            [(k, Resource.from_contents(v, default_specification=DRAFT7)) for k, v in store.items()])
        vcdx = jsonschema.Draft7Validator(cdx, registry=reg, format_checker=fc)
    except ImportError:
        resolver = jsonschema.RefResolver.from_schema(cdx, store=store)
        vcdx = jsonschema.Draft7Validator(cdx, resolver=resolver, format_checker=fc)
    return vcdx, jsonschema.validators.validator_for(spdx)(spdx, format_checker=fc)


def release_sboms(m, ver):
    """The release's SBOMs: its own, and for the current version those its items name."""
    v = next(x for x in m["versions"] if x["version"] == ver)
    out = list(v.get("sboms", []))
    for it in m.get("items", []) if ver == m["device"]["current_version"] else []:
        if it.get("sbom") and it["sbom"] not in out:
            out.append(it["sbom"])
    return v, out


def original_components(path):
    """(ref, name, version, purl, subject) of every component of a CycloneDX or SPDX file."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = []
    if doc.get("bomFormat") == "CycloneDX":
        def walk(c, subject):
            out.append((c.get("bom-ref"), c["name"], c.get("version"), c.get("purl"), subject))
            for n in c.get("components", []):
                walk(n, False)
        if doc.get("metadata", {}).get("component"):
            walk(doc["metadata"]["component"], True)
        for c in doc.get("components", []):
            walk(c, False)
    else:
        described = set(doc.get("documentDescribes", []))
        for r in doc.get("relationships", []):
            if r["spdxElementId"] == "SPDXRef-DOCUMENT" and r["relationshipType"] == "DESCRIBES":
                described.add(r["relatedSpdxElement"])
        for p in doc.get("packages", []):
            purl = next((e["referenceLocator"] for e in p.get("externalRefs", [])
                         if e["referenceType"] == "purl"), None)
            out.append((p["SPDXID"], p["name"], p.get("versionInfo"), purl, p["SPDXID"] in described))
    return out


def stem(path, release):
    p = path[5:] if path.startswith("sbom/") else path
    if p.startswith(release + "/"):
        p = p[len(release) + 1:]
    for e in (".cdx.json", ".spdx.json", ".json"):
        if p.endswith(e):
            p = p[: -len(e)]
            break
    p = p.replace("/", "-").replace(" ", "-")
    return p


def check(driver, dev, out, vcdx, vspdx, fails, tag, version=None):
    with open(os.path.join(dev, "device.yaml"), encoding="utf-8") as f:
        m = yaml.safe_load(f)
    if os.path.exists(out):
        shutil.rmtree(out)
    version = version or m["device"]["current_version"]
    subprocess.run([driver, dev, out, version], check=True)
    rel, paths = release_sboms(m, version)
    with open(os.path.join(out, "gaps.tsv"), encoding="utf-8") as f:
        gaps = {r[1]: r[3] for r in (line.rstrip("\n").split("\t") for line in f)}
    unknown_by_sbom = {}
    exports = {}
    for n in sorted(os.listdir(os.path.join(out, "files", "sbom"))):
        if n.endswith(".cdx.json"):
            with open(os.path.join(out, "files", "sbom", n), encoding="utf-8") as f:
                props = json.load(f)["metadata"]["properties"]
            src = [p["value"] for p in props if p["name"] == "medsec:source_sbom"]
            if src:
                exports[src[0]] = os.path.join(out, "files", "sbom", n[: -len(".cdx.json")])
    if len(exports) != len(paths) or len(os.listdir(os.path.join(out, "files", "sbom"))) != 2 * len(paths):
        fail("exports %s for SBOMs %s" % (sorted(exports), paths))

    def fail(msg):
        fails.append("%s: %s" % (tag, msg))

    for path in paths:
        support = {c["component"]: c for c in m.get("component_support", []) if c["sbom"] == path}
        orig = original_components(os.path.join(dev, path))
        expect = {}
        for ref, name, ver, purl, subject in orig:
            cs = support.get(ref)
            if cs:
                lv, eos = cs["support"], str(cs["end_of_support"]) if cs.get("end_of_support") else "unknown"
            elif subject:
                lv, eos = rel["support"], str(rel["end_of_support"])
            else:
                lv, eos = "unknown", "unknown"
            expect[(name, ver, purl)] = (lv, eos)
        unknown_by_sbom[path] = {k for k, v in expect.items() if "unknown" in v}
        base = os.path.join(out, "files", "sbom", "%s-%s" % (rel["version"], stem(path, rel["version"])))
        if path in exports:  # two SBOMs with one name: the exports say which file they are
            base = exports[path]
        # CycloneDX
        with open(base + ".cdx.json", encoding="utf-8") as f:
            cdx = json.load(f)
        if {"name": "medsec:source_sbom", "value": path} not in cdx["metadata"]["properties"]:
            fail("%s.cdx.json does not name %s as its source" % (base, path))
        errs = list(vcdx.iter_errors(cdx))
        if errs:
            fail("%s.cdx.json invalid: %s" % (base, errs[0].message[:300]))
        comps = ([cdx["metadata"]["component"]] if "component" in cdx["metadata"] else []) + cdx["components"]
        got = {}
        for c in comps:
            props = {p["name"]: p["value"] for p in c.get("properties", [])}
            got[(c["name"], c.get("version"), c.get("purl"))] = (
                props.get("medsec:support:level"), props.get("cdx:lifecycle:milestone:endOfSupport", "unknown"))
        if got != expect:
            fail("%s CycloneDX read back differs: %s" % (path, sorted(set(got.items()) ^ set(expect.items()))[:4]))
        # SPDX
        with open(base + ".spdx.json", encoding="utf-8") as f:
            spdx = json.load(f)
        errs = list(vspdx.iter_errors(spdx))
        if errs:
            fail("%s.spdx.json invalid: %s" % (base, errs[0].message[:300]))
        got = {}
        for p in spdx["packages"]:
            purl = next((e["referenceLocator"] for e in p.get("externalRefs", [])
                         if e["referenceType"] == "purl"), None)
            note = " ".join(a["comment"] for a in p.get("annotations", []))
            level = note.split("medsec:support:level=")[1].split(";")[0]
            eos = p["validUntilDate"][:10] if "validUntilDate" in p else "unknown"
            got[(p["name"], p.get("versionInfo"), purl)] = (level, eos)
        if got != expect:
            fail("%s SPDX read back differs: %s" % (path, sorted(set(got.items()) ^ set(expect.items()))[:4]))
        # the --json data says the same
        with open(os.path.join(out, "docs.json"), encoding="utf-8") as f:
            data = json.load(f)["data"]["sbom_support"]
        entry = next((e for e in data["sboms"] if e["path"] == path), None)
        got = {(c["name"], c["version"], c["purl"]): (c["support"], c["end_of_support"] or "unknown")
               for c in (entry or {}).get("components", [])}
        if got != expect:
            fail("%s --json sbom_support differs" % path)
        # the gap names exactly the components without full support data
        text = gaps.get("sbom-support:" + path, "")
        for (name, ver, _), v in expect.items():
            label = "%s %s" % (name, ver) if ver else name
            named = (": " + label) in text or (", " + label) in text
            if named != ("unknown" in v):
                fail("%s: gap names %s: %s, support %s" % (path, label, named, v))
    return m, paths


def main():
    driver, dev, work, schemas = sys.argv[1:5]
    if not os.path.isdir(os.path.join(schemas, "cyclonedx")):
        print("check_sbom: no %s, skipped" % schemas)
        return 77
    vcdx, vspdx = validators(schemas)
    os.makedirs(work, exist_ok=True)
    fails = []
    m, paths = check(driver, dev, os.path.join(work, "orig"), vcdx, vspdx, fails, "original")
    for v in m["versions"]:  # every release, each with its own SBOMs and support
        if v["version"] != m["device"]["current_version"]:
            check(driver, dev, os.path.join(work, "release-" + v["version"]), vcdx, vspdx, fails,
                  "release " + v["version"], v["version"])
    # an SPDX input SBOM of a release, named like a CycloneDX one of the same release
    spdx_in = [os.path.join("sbom", n) for n in sorted(os.listdir(os.path.join(dev, "sbom")))
               if n.endswith(".spdx.json")]
    if spdx_in and m["versions"]:
        mm = dict(m)
        mm["versions"] = [dict(v) for v in m["versions"]]
        last = mm["versions"][-1]
        last["sboms"] = list(last.get("sboms", [])) + [spdx_in[0]]
        copy = copy_with(dev, os.path.join(work, "mut-spdx"), mm)
        check(driver, copy, os.path.join(work, "out-spdx"), vcdx, vspdx, fails,
              "with %s in release %s" % (spdx_in[0], last["version"]), last["version"])

    # property: without its component_support entry a component is unknown and gapped
    for i, cs in enumerate(m.get("component_support", [])):
        if cs["sbom"] not in paths:
            continue
        mm = dict(m)
        mm["component_support"] = [c for j, c in enumerate(m["component_support"]) if j != i]
        copy = copy_with(dev, os.path.join(work, "mut-%d" % i), mm)
        check(driver, copy, os.path.join(work, "out-%d" % i), vcdx, vspdx, fails,
              "without component_support[%d] (%s)" % (i, cs["component"]))
    return verdict("check_sbom", fails)


if __name__ == "__main__":
    sys.exit(main())
