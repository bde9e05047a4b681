"""check_cpe_derived.py: CPEs derived for components that carry none (docs/scan.md, Derived CPEs).

- the JSON reports of the cpe-derived fixtures validate against docs/schema/scan-report.schema.json, and
  every cpe-derived match names its derived CPE (whose vendor:product is the criterion's) and evidence;
- property: derivation never fires for a package type other than conan, generic or a Yocto recipe (nor
  for components without purl whose only URL is a shared hosting site's front page or owner), for
  generated SBOMs whose components have the built-in map's names and the URLs of real products.

usage: check_cpe_derived.py MEDSEC FIXTURE_DB SOURCE_ROOT
"""
import json
import os
import random
import subprocess
import sys
import tempfile

import jsonschema

DATA = "tests/scan/data/cpe-derived"
C_TYPES = {"conan", "generic", "openembedded", "yocto"}
REPO_TYPES = {"github", "gitlab", "bitbucket"}
# purl types with names that are not CPEs (every type the purl specification defines but the C/C++ ones)
OTHER_TYPES = ["alpm", "apk", "bitnami", "cargo", "cocoapods", "composer", "conda", "cpan", "cran", "deb",
               "docker", "gem", "golang", "hackage", "hex", "huggingface", "luarocks", "maven", "mlflow",
               "npm", "nuget", "oci", "pub", "pypi", "qpkg", "rpm", "swid", "swift"]
NAMES = ["zlib", "openssl", "busybox", "libssh2", "curl", "libsndfile", "ncurses", "sqlite", "glibc", "expat"]
URLS = ["https://www.openssl.org/", "https://www.libssh2.org/", "https://zlib.net/", "https://curl.haxx.se/",
        "git+https://github.com/Eugeny/ajenti.git", "https://www.openssl.org/news/changelog.html"]
SHARED_ONLY = ["https://github.com/", "https://github.com/Eugeny", "https://gitlab.com/", "https://sourceforge.net/",
               "https://sourceforge.net/projects", "https://play.google.com/store/apps/details?id=x",
               "https://github.com/Eugeny/", "git@github.com:Eugeny"]


def scan(medsec, db, root, *args):
    p = subprocess.run([medsec, "scan", "--db", db, "--json", *args], cwd=root, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"medsec scan {' '.join(args)} failed with exit {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def purl_type(purl):
    return purl.split(":", 1)[1].split("/", 1)[0].lower() if purl else None


def main():
    medsec, db, root = sys.argv[1:4]
    schema = json.load(open(os.path.join(root, "docs", "schema", "scan-report.schema.json")))
    failures = []
    report = scan(medsec, db, root, "--cpe-map", f"{DATA}/device.cpe-map.tsv", f"{DATA}/sbom/c-components.cdx.json",
                  f"{DATA}/sbom/yocto.spdx.json")
    for e in list(jsonschema.Draft202012Validator(schema).iter_errors(report))[:10]:
        failures.append(f"JSON report: {'/'.join(map(str, e.path))}: {e.message}")
    derived = 0
    for t in report["targets"]:
        for f in t["findings"]:
            for m in f["matches"]:
                if m["method"] != "cpe-derived":
                    continue
                derived += 1
                ty = purl_type(f["component"]["purl"])
                if ty is not None and ty not in C_TYPES | REPO_TYPES:
                    failures.append(f"{f['component']['ref']}: derived for purl type {ty}")
                if f["component"]["cpes"]:
                    failures.append(f"{f['component']['ref']}: derived although it carries a CPE")
                vp = lambda c: c.split(":")[3:5]
                if vp(m["derived"]["cpe"]) != vp(m["key"]):
                    failures.append(f"{f['component']['ref']}: derived {m['derived']['cpe']} but matched {m['key']}")
                if not m["derived"]["evidence"]:
                    failures.append(f"{f['component']['ref']}: no evidence")
    print(f"fixtures: {derived} cpe-derived matches, schema-valid")
    if derived < 7:
        failures.append(f"the fixtures should give 7 cpe-derived matches, not {derived}")

    # property: generated SBOMs, one component per (other type, name, URL) and shared-host-only URLs
    rng = random.Random(12)
    comps = []
    for i in range(400):
        ty = rng.choice(OTHER_TYPES)
        name = rng.choice(NAMES)
        c = {"type": "library", "bom-ref": f"c{i}", "name": name, "version": "1.0.2k",
             "purl": f"pkg:{ty}/{'ns/' if ty in ('maven', 'golang', 'composer', 'swift', 'huggingface') else ''}{name}@1.0.2k",
             "externalReferences": [{"type": rng.choice(["website", "vcs", "distribution"]), "url": rng.choice(URLS)}]}
        comps.append(c)
    for i, url in enumerate(SHARED_ONLY):
        comps.append({"type": "library", "bom-ref": f"s{i}", "name": rng.choice(NAMES), "version": "1.0",
                      "externalReferences": [{"type": "website", "url": url}]})
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "property.cdx.json")
        with open(path, "w") as f:
            json.dump(bom, f)
        rep = scan(medsec, db, root, os.path.abspath(path))
    for t in rep["targets"]:
        for s in t["coverage"]["sources"]:
            if s["path"] == "cpe-derived":
                failures.append(f"property: {s['components']} components compared by derived CPE")
        for f in t["findings"]:
            if any(m["method"] == "cpe-derived" for m in f["matches"]):
                failures.append(f"property: {f['component']['ref']} {f['component']['purl']} matched by derived CPE")
        shared = [u for u in t["coverage"]["unchecked_components"] if u["ref"].startswith("s")]
        if len(shared) != len(SHARED_ONLY) or any(u["reason"] != "no_identifier" for u in shared):
            failures.append(f"property: shared-host-only components not all unchecked without identifier: {shared}")
    print(f"property: {len(comps)} components of {len(OTHER_TYPES)} other purl types and shared hosting sites: "
          f"no CPE derived")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
