"""check_advisory.py: the security advisories `medsec advisory` writes, and their provider folder,
judged from outside.

Each run below writes one advisory with --out-dir (so the folder is published after each), into two
folders; then:
- the two folders must hold byte-identical files (determinism);
- every advisory is validated with python3-jsonschema against the CSAF 2.0 schema in
  ../shared/data/schemas (the FIRST CVSS schemas mapped from their URLs to the local copies), and
  must be of the security_advisory profile;
- provider-metadata.json is validated against the provider schema of the OASIS tarball
  (advisories/csaf/oasis-csaf-2.0-schemas-examples-validator-tests.tar.gz), with the CSAF schema
  its publisher refers to mapped locally;
- each ROLIE feed lists every advisory of its TLP folder exactly once, with the right self, hash and
  content URLs, and every .sha512 file holds the SHA-512 of its advisory in sha512sum's format;
- the folder layout is <tlp>/<year>/<file>, the file name the tracking id as CSAF 2.0 §5.1 makes it;
- writing an advisory again into its folder leaves it byte for byte as it was when nothing changed,
  and adds revision 2 (version 2, the same initial release date) when a decision went stale.
With --csaf-judge, the advisories are judged by BSI's @secvisogram/csaf-validator-lib instead: its
strict schema test and every mandatory test of CSAF 2.0 section 6.1 (tests/vex/csaf_mandatory.mjs,
installed as tests/vex/check_vex.py installs it).
Exits 77 (skip) with a message when ../shared/data is absent, or (--csaf-judge) node or npm is.

usage: check_advisory.py [--csaf-judge] MEDSEC SOURCE_ROOT SHARED_DATA TRIAGE_DB1 TRIAGE_DB2 SHARED_DB
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import warnings

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)

SKIP = 77
BASE = "https://psirt.example.com/csaf"
TARBALL = "advisories/csaf/oasis-csaf-2.0-schemas-examples-validator-tests.tar.gz"
PROVIDER_SCHEMA = "oasis-tcs-csaf/csaf_2.0_errata_01/provider_json_schema.json"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validators(shared):
    schemas = os.path.join(shared, "schemas", "csaf")
    csaf = load(os.path.join(schemas, "csaf_json_schema.json"))
    store = {"https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json": csaf}
    for v in ("2.0", "3.0", "3.1"):
        s = load(os.path.join(schemas, "cvss", f"cvss-v{v}.json"))
        store[f"https://www.first.org/cvss/cvss-v{v}.json"] = s
        for key in ("$id", "id"):  # the schemas name themselves with a dated query
            if key in s:
                store[s[key]] = s
    csaf_v = jsonschema.Draft202012Validator(csaf, resolver=jsonschema.RefResolver.from_schema(csaf, store=store))
    with tarfile.open(os.path.join(shared, TARBALL)) as tar:
        provider = json.load(tar.extractfile(PROVIDER_SCHEMA))
    prov_v = jsonschema.Draft202012Validator(provider,
                                             resolver=jsonschema.RefResolver.from_schema(provider, store=store))
    return csaf_v, prov_v


def shared_runs(medsec, root, shared_db, env):
    """A few findings of each example on the database of all shared advisories: KEV ones first."""
    runs = []
    for dev, n in (("examples/infusion-pump", 6), ("examples/glucose-cloud", 3)):
        p = subprocess.run([medsec, "triage", dev, "--db", shared_db, "--json"], cwd=root, capture_output=True,
                           text=True, env=env)
        if p.returncode not in (0, 1):
            return None, f"triage {dev}: exit {p.returncode}: {p.stderr.strip()}"
        found = json.loads(p.stdout)["findings"]
        ids = sorted({f["vulnerability"] for f in found if f.get("kev")}) + \
            sorted({f["vulnerability"] for f in found if not f.get("kev")})
        picked = []
        for i in ids:
            if i not in picked:
                picked.append(i)
        runs += [(dev, shared_db, v, ["--id", f"{os.path.basename(dev)}-shared-{v}"]) for v in picked[:n]]
    return runs, None


def file_name(tracking_id):
    return re.sub(r"[^+\-a-z0-9]", "_", tracking_id.lower()) + ".json"


def check_folder(out, csaf_v, prov_v, failures):
    """The published folder: advisories, feeds, hashes, provider metadata. Returns the advisories."""
    docs = []
    for tlp in ("white", "green", "amber", "red"):
        tdir = os.path.join(out, tlp)
        if not os.path.isdir(tdir):
            continue
        listed = []
        for year in sorted(os.listdir(tdir)):
            ydir = os.path.join(tdir, year)
            if not os.path.isdir(ydir):
                continue
            for name in sorted(os.listdir(ydir)):
                if not name.endswith(".json"):
                    continue
                path = os.path.join(ydir, name)
                rel = f"{tlp}/{year}/{name}"
                with open(path, "rb") as f:
                    data = f.read()
                doc = json.loads(data)
                docs.append(path)
                listed.append((rel, doc))
                d = doc["document"]
                if d["category"] != "csaf_security_advisory":
                    failures.append(f"{rel}: category {d['category']}")
                if d["distribution"]["tlp"]["label"] != tlp.upper():
                    failures.append(f"{rel}: TLP {d['distribution']['tlp']['label']} in the {tlp} folder")
                if d["tracking"]["current_release_date"][:4] != year:
                    failures.append(f"{rel}: released {d['tracking']['current_release_date']}, in folder {year}")
                if file_name(d["tracking"]["id"]) != name:
                    failures.append(f"{rel}: the file name is not {file_name(d['tracking']['id'])}")
                for e in sorted(csaf_v.iter_errors(doc), key=lambda e: list(e.path))[:10]:
                    failures.append(f"{rel}: schema: {'/'.join(map(str, e.path))}: {e.message[:300]}")
                self_refs = [r["url"] for r in d.get("references", []) if r["category"] == "self"]
                if self_refs != [f"{BASE}/{rel}"]:
                    failures.append(f"{rel}: self reference {self_refs}")
                want = f"{hashlib.sha512(data).hexdigest()}  {name}\n"
                try:
                    with open(path + ".sha512", encoding="ascii") as f:
                        got = f.read()
                except OSError as e:
                    got = str(e)
                if got != want:
                    failures.append(f"{rel}.sha512: {got.strip()[:80]!r} is not the file's SHA-512")
        feed_path = os.path.join(tdir, f"feed-tlp-{tlp}.json")
        if not listed:
            if os.path.exists(feed_path):
                failures.append(f"{tlp}: a feed without advisories")
            continue
        feed = load(feed_path)["feed"]
        entries = feed["entry"]
        if sorted(e["content"]["src"] for e in entries) != sorted(f"{BASE}/{rel}" for rel, _ in listed):
            failures.append(f"{tlp} feed: lists {len(entries)} entries for {len(listed)} advisories")
        if feed["link"] != [{"rel": "self", "href": f"{BASE}/{tlp}/feed-tlp-{tlp}.json"}]:
            failures.append(f"{tlp} feed: self link {feed['link']}")
        if feed["category"] != [{"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}]:
            failures.append(f"{tlp} feed: category {feed['category']}")
        by_src = {e["content"]["src"]: e for e in entries}
        for rel, doc in listed:
            e = by_src.get(f"{BASE}/{rel}")
            if not e:
                continue
            t = doc["document"]["tracking"]
            links = {x["rel"]: x["href"] for x in e["link"]}
            if (e["id"], e["title"], e["published"], e["updated"]) != \
                    (t["id"], doc["document"]["title"], t["initial_release_date"], t["current_release_date"]):
                failures.append(f"{tlp} feed: the entry of {rel} does not match its document")
            if links != {"self": f"{BASE}/{rel}", "hash": f"{BASE}/{rel}.sha512"}:
                failures.append(f"{tlp} feed: links of {rel}: {links}")
            if e["format"] != {"schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
                               "version": "2.0"}:
                failures.append(f"{tlp} feed: format of {rel}")
        if feed["updated"] != max(e["updated"] for e in entries):
            failures.append(f"{tlp} feed: updated {feed['updated']} is not its newest entry's")
    pm = load(os.path.join(out, "provider-metadata.json"))
    for e in sorted(prov_v.iter_errors(pm), key=lambda e: list(e.path))[:10]:
        failures.append(f"provider-metadata.json: schema: {'/'.join(map(str, e.path))}: {e.message[:300]}")
    feeds = [f["url"] for d in pm["distributions"] for f in d["rolie"]["feeds"]]
    want = [f"{BASE}/{t}/feed-tlp-{t}.json" for t in ("white", "green", "amber", "red")
            if os.path.exists(os.path.join(out, t, f"feed-tlp-{t}.json"))]
    if feeds != want:
        failures.append(f"provider-metadata.json: feeds {feeds}, want {want}")
    if pm["canonical_url"] != f"{BASE}/provider-metadata.json" or pm["role"] != "csaf_provider":
        failures.append("provider-metadata.json: canonical_url or role")
    return docs


def main():
    args = sys.argv[1:]
    judge = args[0] == "--csaf-judge"
    medsec, root, shared, db1, db2, shared_db = args[1:7] if judge else args[0:6]
    if not os.path.isdir(os.path.join(shared, "schemas")) or not os.path.exists(os.path.join(shared, TARBALL)):
        print(f"SKIP: no CSAF schemas under {shared} (../shared/data is absent)")
        return SKIP
    mods = None
    if judge:
        sys.path.insert(0, os.path.join(root, "tests", "vex"))
        import check_vex  # the npm judge's installer
        mods = check_vex.csaf_judge(root)
        if not mods:
            return SKIP
    csaf_v, prov_v = validators(shared)
    pump = "examples/infusion-pump"
    triage = ["--triage", "tests/triage/data/pump-triage.yaml"]
    runs = [(pump, db1, v, triage) for v in
            ("CVE-2099-7001", "CVE-2099-7002", "CVE-2099-7003", "CVE-2099-7006", "CVE-2099-7007", "CVE-2099-7009")]
    runs += [(pump, db2, "CVE-2099-7001", triage + ["--id", "LVP3-stale-CVE-2099-7001"]),
             (pump, db1, "CVE-2099-7003", ["--triage", "tests/triage/data/accepted-triage.yaml",
                                           "--id", "LVP3-context-CVE-2099-7003"]),
             (pump, db1, "CVE-2099-7006", ["--triage", "tests/advisory/data/fixed-triage.yaml",
                                                    "--id", "LVP3-fixed-CVE-2099-7006"]),
             (pump, None, "CVE-2017-13077", ["--status", "interim"]),
             ("examples/glucose-cloud", None, "CVE-2018-3721", ["--tlp", "green"])]
    failures = []
    env = dict(os.environ, MEDSEC_NOW="2026-11-28T09:30:00Z")
    env.pop("SOURCE_DATE_EPOCH", None)
    if os.path.exists(shared_db):
        more, why = shared_runs(medsec, root, shared_db, env)
        if why:
            failures.append(why)
        runs += more or []
    else:
        print(f"note: no database of the shared advisories at {shared_db}: its findings are left out")
    with tempfile.TemporaryDirectory() as tmp:
        outs = [os.path.join(tmp, "a"), os.path.join(tmp, "b")]
        for dev, db, vuln, extra in runs:
            for out in outs:
                cmd = [medsec, "advisory", dev, vuln, "--out-dir", out, "--base-url", BASE, *extra]
                if db:
                    cmd += ["--db", db]
                p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
                if p.returncode != 0:
                    failures.append(f"{' '.join(cmd[1:])}: exit {p.returncode}: {p.stderr.strip()}")
                    break
        files = {}
        for out in outs:
            got = {}
            for dirpath, _, names in os.walk(out):
                for n in names:
                    path = os.path.join(dirpath, n)
                    with open(path, "rb") as f:
                        got[os.path.relpath(path, out)] = f.read()
            files[out] = got
        if files[outs[0]] != files[outs[1]]:
            failures.append("two runs differ: " + ", ".join(sorted(
                k for k in set(files[outs[0]]) | set(files[outs[1]])
                if files[outs[0]].get(k) != files[outs[1]].get(k)))[:500])
        # no decision dates the security file's own assessment: SOURCE_DATE_EPOCH does, before the clock
        p = subprocess.run([medsec, "advisory", pump, "CVE-2017-13077"], cwd=root, capture_output=True, text=True,
                           env=dict(env, SOURCE_DATE_EPOCH="1767225600"))
        got = json.loads(p.stdout)["document"]["tracking"]["current_release_date"] if p.returncode == 0 else p.stderr
        if got != "2026-01-01T00:00:00Z":
            failures.append(f"SOURCE_DATE_EPOCH=1767225600 gave the date {got}")
        # an update: the same input leaves the published advisory as it is, a change adds a revision
        up = os.path.join(tmp, "update")
        cmd = [medsec, "advisory", pump, "CVE-2099-7001", "--out-dir", up, "--base-url", BASE, *triage]
        seen = []
        for db in (db1, db1, db2):
            p = subprocess.run(cmd + ["--db", db], cwd=root, capture_output=True, text=True, env=env)
            path = os.path.join(up, "white", "2026", "volumeflow-lvp-3-cve-2099-7001.json")
            if p.returncode != 0 or not os.path.exists(path):
                failures.append(f"update: exit {p.returncode}: {p.stderr.strip()}")
                break
            with open(path, "rb") as f:
                seen.append(f.read())
        if len(seen) == 3:
            t = [json.loads(x)["document"]["tracking"] for x in seen]
            if seen[0] != seen[1]:
                failures.append("update: the same input changed the published advisory")
            if (t[2]["version"], [r["number"] for r in t[2]["revision_history"]]) != ("2", ["1", "2"]) or \
                    t[2]["initial_release_date"] != t[0]["initial_release_date"] or \
                    t[2]["current_release_date"] != "2026-11-28T00:00:00Z":
                failures.append(f"update: tracking {t[2]}")
        docs = check_folder(outs[0], csaf_v, prov_v, failures)
        docs += check_folder(up, csaf_v, prov_v, failures)
        print(f"{len(runs)} runs and an update, {len(docs)} advisories, {len(files[outs[0]])} files published")
        if len(docs) != len(runs) + 1:
            failures.append(f"{len(runs)} runs published {len(docs)} advisories")
        if mods and docs:
            p = subprocess.run(["node", os.path.join(root, "tests", "vex", "csaf_mandatory.mjs"), mods, *docs],
                               capture_output=True, text=True)
            print(p.stdout.replace(outs[0] + "/", "").replace(tmp + "/", ""), end="")
            if p.returncode != 0:
                failures.append("csaf-validator-lib: " + (p.stdout + p.stderr)[-2000:])
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
