#!/usr/bin/env python3
"""cpe_derive.py: how well medsec derives CPEs for components that carry none (docs/scan.md, Derived CPEs).

For each shared SBOM: its components, the candidates (no CPE of their own, and a conan, generic or Yocto
recipe package, or no purl), how many got a derived CPE and from which source, and the findings gained
(a scan with the cpe-derived path against one without it).

Recall is measured against name matching as cve-bin-tool does it, restricted to the same candidates: every
NVD vendor whose product is the component's name (lowercased; `-` also as `_`) gives the component a CPE,
the same matcher judges the versions. Each (name, vendor:product) pair that name matching used is judged by
hand in REVIEWED below (is that NVD product the project the package is?); its findings are true or false
with it. Recall = true name-matching findings that the derived CPEs also find / true name-matching findings.
Precision of the derivation is judged the same way on every derived CPE (REVIEWED covers them all).

usage: bench/cpe_derive.py MEDSEC DATABASE [SHARED_DATA]
       (DATABASE: `medsec db import` of all of ../shared/data/advisories, which holds the CPE dictionary)
"""
import collections
import glob
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile

C_TYPES = ("conan", "generic", "openembedded", "yocto")

# (component name as in the SBOM, lowercased; vendor:product NVD names) -> is it that project? Judged by
# hand from the NVD product's CVE descriptions and the package's upstream.
REVIEWED = {
    ("zlib", "zlib:zlib"): True, ("zlib", "gnu:zlib"): True,
    ("openssl", "openssl:openssl"): True, ("openssl", "redhat:openssl"): False,
    ("openssl", "hpe:openssl"): False, ("openssl", "openssl_project:openssl"): False,
    ("openssl", "ruby-lang:openssl"): False,
    ("libcurl", "haxx:libcurl"): True, ("libcurl", "haxx:curl"): True, ("libcurl", "curl:libcurl"): True,
    ("libcurl", "curl:curl"): True, ("libcurl", "libcurl:libcurl"): True,
    ("curl", "haxx:curl"): True, ("curl", "haxx:libcurl"): True, ("curl", "curl:curl"): True,
    ("curl", "curl:libcurl"): True, ("curl", "daniel_stenberg:curl"): True, ("curl", "curl_project:curl"): True,
    ("libxml2", "xmlsoft:libxml2"): True,
    ("sqlite3", "sqlite:sqlite"): True,
    ("libpng", "libpng:libpng"): True, ("libpng", "greg_roelofs:libpng"): True,
    ("libpng", "redhat:libpng"): False, ("libpng", "png_reference_library:libpng"): True,
    ("mbedtls", "arm:mbed_tls"): True, ("mbedtls", "polarssl:polarssl"): True,
    ("pcre2", "pcre:pcre2"): True,
    ("libjpeg-turbo", "libjpeg-turbo:libjpeg-turbo"): True, ("libjpeg-turbo", "d.r.commander:libjpeg-turbo"): True,
    ("libwebp", "webmproject:libwebp"): True,
    ("dcmtk", "offis:dcmtk"): True, ("dcmtk", "dicom:dcmtk"): True,
    ("mosquitto", "eclipse:mosquitto"): True,
    ("c-ares", "c-ares:c-ares"): True, ("c-ares", "c-ares_project:c-ares"): True,
    ("c-ares", "daniel_stenberg:c-ares"): True,
    ("libssh2", "libssh2:libssh2"): True,
    ("libtiff", "libtiff:libtiff"): True, ("libtiff", "remotesensing:libtiff"): True,
    ("protobuf", "google:protobuf"): True,
    ("lz4", "yann_collet:lz4"): True,
    ("json-c", "json-c:json-c"): True, ("json-c", "json-c_project:json-c"): True,
    ("libarchive", "libarchive:libarchive"): True, ("libarchive", "freebsd:libarchive"): True,
    ("glib", "gnome:glib"): True,
    ("boost", "boost:boost"): True, ("boost", "316solutions:boost"): False,
    ("openjpeg", "uclouvain:openjpeg"): True, ("openjpeg", "openjpeg:openjpeg"): True,
    ("libxslt", "xmlsoft:libxslt"): True,
    ("giflib", "giflib_project:giflib"): True,
    ("jansson", "jansson_project:jansson"): True,
    ("cjson", "cjson_project:cjson"): True,
    ("libsndfile", "libsndfile_project:libsndfile"): True, ("libsndfile", "mega-nerd:libsndfile"): True,
    ("libsndfile", "gentoo:libsndfile"): False,
    ("ncurses", "gnu:ncurses"): True,
    ("glibc", "gnu:glibc"): True, ("glibc", "gentoo:glibc"): False,
    ("pcre2", "pcre:pcre2"): True, ("pcre", "pcre:pcre"): True, ("pcre", "perl:pcre"): False,
    ("libgit2", "libgit2:libgit2"): True, ("libgit2", "libgit2_project:libgit2"): True,
    ("nghttp2", "nghttp2:nghttp2"): True,
    ("mbedtls", "arm:mbed_tls"): True,
    ("libuv", "libuv:libuv"): True, ("libuv", "libuv_project:libuv"): True,
    ("libunwind", "libunwind_project:libunwind"): True,
    ("llvm", "llvm:llvm"): True,
    ("7-zip", "7-zip:7-zip"): True,
    ("patchelf", "nixos:patchelf"): True,
    ("libunistring", "gnu:libunistring"): True,
    ("saxon", "saxonica:saxon"): True,
    ("application", "acme:application"): False,
    ("ubuntu", "canonical:ubuntu"): False,
    ("libexpat", "libexpat_project:libexpat"): True,
    ("forms", "orbeon:forms"): False,  # ghidra's Java "forms" (JGoodies), not Orbeon Forms
}


def sboms(shared, tmp):
    out = [os.path.join(shared, "sbom", "peer-samples", f) for f in
           ("device-fw-example.cdx.json", "device-fw-example.spdx.json")]
    for name, members in (("bom-shelter-in-the-wild.tar.gz", ("in-the-wild/spdx/", "in-the-wild/cyclonedx/")),
                          ("cve-bin-tool-test-sbom-vex.tar.gz", ("cve-bin-tool/test/sbom/",))):
        with tarfile.open(os.path.join(shared, "sbom", name)) as t:
            for m in t.getmembers():
                if m.isfile() and m.name.endswith(".json") and m.name.startswith(members):
                    t.extract(m, tmp)
                    out.append(os.path.join(tmp, m.name))
    return out


def run(medsec, db, *args):
    p = subprocess.run([medsec, "scan", "--db", db, "--json", *args], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None
    return json.loads(p.stdout)


def candidate(c):
    """Would derivation look at this component: no CPE, and a C/C++ package type or no purl?"""
    if c["cpes"]:
        return False
    purl = c["purl"]
    if not purl:
        return not c["subject"]
    return purl.split(":", 1)[1].split("/", 1)[0].lower() in C_TYPES


def name_of(c):
    purl = c["purl"]
    if purl:
        return purl.split("?")[0].split("#")[0].split("@")[0].rsplit("/", 1)[1].lower()
    return c["name"].lower()


MAP_NAMES = set()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rules", "cpe-map.tsv"), encoding="utf-8") as _f:
    for _line in _f:
        _x = _line.split("#", 1)[0].split()
        if len(_x) >= 3 and _x[0] != "url" and _x[2] != "-":
            MAP_NAMES.add(_x[1].lower())


def main():
    medsec, db = sys.argv[1:3]
    shared = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    products = collections.defaultdict(set)
    for (key,) in con.execute("SELECT DISTINCT key FROM cpe_match"):
        v, _, p = key.partition(":")
        products[p].add(key)
    totals = collections.Counter()
    pairs_used = collections.Counter()
    derived_pairs = set()
    unjudged = set()
    print(f"{'SBOM':44} {'comp':>5} {'cand':>5} {'derived':>7} {'by map':>6} {'by URL':>6} "
          f"{'gained':>6} {'name':>5} {'name-T':>6} {'both-T':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for path in sboms(shared, tmp):
            rep = run(medsec, db, path)
            if rep is None:
                continue  # not an SBOM medsec reads (the corpus keeps malformed ones)
            off = run(medsec, db, "--paths", "purl,cpe,product", path)
            t = rep["targets"][0]
            # the derived CPEs: from the coverage (every component compared by derived CPE) and matches
            derived = {}
            for f in t["findings"]:
                for m in f["matches"]:
                    if m["method"] == "cpe-derived":
                        derived.setdefault(f["component"]["ref"], set()).add(
                            (":".join(m["derived"]["cpe"].split(":")[3:5]), m["derived"]["evidence"]))
            # components are read once more to know the candidates
            comps = sbom_components(medsec, path)
            cands = [c for c in comps if candidate(c)]
            n_derived = sum(s["components"] for s in t["coverage"]["sources"]
                            if s["path"] == "cpe-derived" and s["source"] == "nvd")
            # by source: a candidate of a C/C++ type whose name the built-in map holds is derived by map,
            # the other derived ones by URL
            mapped = sum(1 for c in cands if c["purl"] and name_of(c) in MAP_NAMES
                         or (not c["purl"] and "openembedded" in (c["supplier"] or "").lower()
                             and name_of(c) in MAP_NAMES))
            by_map = min(mapped, n_derived)
            by_url = n_derived - by_map
            gained = len(t["findings"]) - len(off["targets"][0]["findings"])
            for ref, ev in derived.items():
                c = next(c for c in comps if c["ref"] == ref)
                for vp, _ in ev:
                    derived_pairs.add((name_of(c), vp))
            # name matching over the candidates: one copy of the component per NVD product of that name
            base = collections.defaultdict(set)  # (ref, CVE) -> vendor:product keys
            bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": []}
            for c in cands:
                if not c["version"]:
                    continue
                n = name_of(c)
                for key in sorted(products.get(n, set()) | products.get(n.replace("-", "_"), set())):
                    v, p = key.split(":", 1)
                    bom["components"].append({"type": "library", "bom-ref": f"{c['ref']}|{key}", "name": c["name"],
                                              "version": c["version"],
                                              "cpe": f"cpe:2.3:a:{v}:{p}:{c['version']}:*:*:*:*:*:*:*"})
            dpairs = {(f["component"]["ref"], f["id"]) for f in t["findings"]
                      if any(m["method"] == "cpe-derived" for m in f["matches"])}
            n_name = n_name_true = n_both_true = 0
            if bom["components"]:
                bp = os.path.join(tmp, "baseline.cdx.json")
                with open(bp, "w") as fh:
                    json.dump(bom, fh)
                brep = run(medsec, db, "--paths", "cpe", "--any-platform", bp)
                for f in brep["targets"][0]["findings"]:
                    ref, key = f["component"]["ref"].split("|")
                    base[(ref, f["id"])].add(key)
                for (ref, cve), keys in base.items():
                    c = next(c for c in comps if c["ref"] == ref)
                    n = name_of(c)
                    for k in keys:
                        pairs_used[(n, k)] += 1
                        if (n, k) not in REVIEWED:
                            unjudged.add((n, k))
                    true = any(REVIEWED.get((n, k), False) for k in keys)
                    n_name += 1
                    n_name_true += true
                    n_both_true += true and (ref, cve) in dpairs
                    if c["purl"]:  # a C/C++ package type: the package is known to be C/C++
                        totals["name true typed"] += true
                        totals["both true typed"] += true and (ref, cve) in dpairs
            label = os.path.relpath(path, tmp) if path.startswith(tmp) else os.path.relpath(path, shared)
            if not cands and not n_derived:
                totals["sboms without candidates"] += 1
                continue
            print(f"{label[-44:]:44} {len(comps):5} {len(cands):5} {n_derived:7} {by_map:6} {by_url:6} "
                  f"{gained:6} {n_name:5} {n_name_true:6} {n_both_true:6}")
            for k, v in (("components", len(comps)), ("candidates", len(cands)), ("derived", n_derived),
                         ("by map", by_map), ("by URL", by_url), ("gained", gained), ("name", n_name),
                         ("name true", n_name_true), ("both true", n_both_true)):
                totals[k] += v
    print(f"\n{totals['sboms without candidates']} SBOMs have no candidate (every component has a CPE or a purl of "
          "another type)")
    print(f"totals: {totals['candidates']} candidates of {totals['components']} components; "
          f"{totals['derived']} derived ({totals['by map']} by map, {totals['by URL']} by URL); "
          f"{totals['gained']} findings gained")
    recall = totals["both true"] / totals["name true"] if totals["name true"] else float("nan")
    print(f"name matching: {totals['name']} findings, {totals['name true']} true; the derived CPEs find "
          f"{totals['both true']} of those: recall {recall:.3f}")
    typed = totals["both true typed"] / totals["name true typed"] if totals["name true typed"] else float("nan")
    print(f"  of them on components with a conan, generic or Yocto purl: {totals['name true typed']} true, "
          f"{totals['both true typed']} found by the derived CPEs: recall {typed:.3f}; the rest are components "
          "with neither purl, CPE nor URL (a bare name: never derived)")
    wrong = sorted(p for p in derived_pairs if not REVIEWED.get(p, False))
    print(f"derived (name, vendor:product) pairs with findings: {len(derived_pairs)}, judged wrong or unjudged: "
          f"{len(wrong)} {wrong if wrong else ''}")
    false_name = sorted(p for p in pairs_used if REVIEWED.get(p) is False)
    print(f"name-matching pairs judged wrong: {false_name}")
    if unjudged:
        print(f"unjudged name-matching pairs (add to REVIEWED): {sorted(unjudged)}")


def sbom_components(medsec, path):
    p = subprocess.run([medsec, "sbom", "--json", path], capture_output=True, text=True)
    doc = json.loads(p.stdout) if p.stdout.strip() else {}
    return doc.get("components", [])


if __name__ == "__main__":
    sys.exit(main())
