"""check_vex.py: every VEX document `medsec vex` writes, judged from outside.

For each device and database below and each format (CycloneDX 1.6, OpenVEX 0.2.0, CSAF 2.0):
- written twice: the two files must be byte-identical (determinism);
- validated with python3-jsonschema against the published schema in ../shared/data/schemas
  (CycloneDX with its spdx and jsf schemas, CSAF with the FIRST CVSS schemas mapped from their
  remote URLs to the local copies).
With --csaf-judge, only the CSAF documents are written, and judged by BSI's
@secvisogram/csaf-validator-lib instead: the strict schema test and every mandatory test
(tests/vex/csaf_mandatory.mjs), from tests/judges (installed by scripts/deps.sh, else on first use).
Exits 77 (skip) with a message when ../shared/data is absent, or (--csaf-judge) node or npm is.

usage: check_vex.py [--csaf-judge] MEDSEC SOURCE_ROOT SHARED_DATA FIXTURE_DB SHARED_DB
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import warnings

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)

SKIP = 77
CSAF_JUDGE = "@secvisogram/csaf-validator-lib@2.0.10"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validators(schemas):
    cdx_dir = os.path.join(schemas, "cyclonedx")
    cdx = load(os.path.join(cdx_dir, "bom-1.6.schema.json"))
    store = {}
    for name in ("spdx.schema.json", "jsf-0.82.schema.json"):
        s = load(os.path.join(cdx_dir, name))
        store[name] = s
        store["http://cyclonedx.org/schema/" + name] = s
        if "$id" in s:
            store[s["$id"]] = s
    cdx_v = jsonschema.Draft7Validator(cdx, resolver=jsonschema.RefResolver.from_schema(cdx, store=store))

    ovx = load(os.path.join(schemas, "openvex", "openvex_json_schema.json"))
    ovx_v = jsonschema.Draft202012Validator(ovx)

    csaf = load(os.path.join(schemas, "csaf", "csaf_json_schema.json"))
    store = {}
    for v in ("2.0", "3.0", "3.1"):
        s = load(os.path.join(schemas, "csaf", "cvss", f"cvss-v{v}.json"))
        store[f"https://www.first.org/cvss/cvss-v{v}.json"] = s
    csaf_v = jsonschema.Draft202012Validator(csaf, resolver=jsonschema.RefResolver.from_schema(csaf, store=store))
    return {"cyclonedx": cdx_v, "openvex": ovx_v, "csaf": csaf_v}


def csaf_judge(root):
    """node_modules holding the CSAF validator, or None (after saying why) when it cannot be had."""
    judges = os.path.join(root, "tests", "judges")
    mods = os.path.join(judges, "node_modules")
    if not shutil.which("node"):
        print("SKIP: node not found (scripts/deps.sh installs it): the CSAF validator cannot run")
        return None
    if not os.path.exists(os.path.join(mods, "@secvisogram", "csaf-validator-lib", "validateStrict.js")):
        npm = shutil.which("npm")
        if not npm:
            print("SKIP: npm not found (scripts/deps.sh installs it): the CSAF validator cannot be installed")
            return None
        with open(os.path.join(judges, "npm-packages.txt"), encoding="utf-8") as f:
            pkgs = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        if CSAF_JUDGE not in pkgs:
            sys.exit(f"{CSAF_JUDGE} is not listed in tests/judges/npm-packages.txt")
        r = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", judges, *pkgs],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print("SKIP: npm could not install the CSAF validator: " + (r.stdout + r.stderr)[-300:])
            return None
    return mods


def main():
    args = sys.argv[1:]
    judge = args[0] == "--csaf-judge"
    medsec, root, shared, fixture_db, shared_db = args[1:6] if judge else args[0:5]
    schemas = os.path.join(shared, "schemas")
    if not os.path.isdir(schemas):
        print(f"SKIP: no schemas at {schemas} (../shared/data is absent)")
        return SKIP
    mods = None
    if judge:
        mods = csaf_judge(root)
        if not mods:
            return SKIP
    vals = validators(schemas)
    if judge:
        vals = {"csaf": None}
    # every release in the field of both examples: the pump's 3.2.0, 3.1.4 and 2.8.7, the glucose
    # system's 1.4.0 and 1.3.2
    fielded = [("examples/infusion-pump", None), ("examples/infusion-pump", "3.1.4"),
               ("examples/infusion-pump", "2.8.7"), ("examples/glucose-cloud", None),
               ("examples/glucose-cloud", "1.3.2")]
    runs = [(dev, None, version) for dev, version in fielded]
    # the triage file's decisions (tests/triage/data): v1 as decided, v2 with two of them stale
    triage = ["--triage", "tests/triage/data/pump-triage.yaml"]
    for var in ("MEDSEC_TRIAGE_DB1", "MEDSEC_TRIAGE_DB2"):
        tdb = os.environ.get(var)
        if tdb and os.path.exists(tdb):
            runs.append(("examples/infusion-pump", tdb, None, triage))
        else:
            print(f"note: no triage test database ({var}): the triage file's decisions are left out")
    # a supplier's statements (named in every format) and accepted suggestions (their in-context CVSS
    # as the manufacturer's CycloneDX ratings)
    tdb = os.environ.get("MEDSEC_TRIAGE_DB1")
    if tdb and os.path.exists(tdb):
        runs.append(("examples/infusion-pump", tdb, None,
                     triage + ["--triage", "tests/triage/data/supplier-triage.yaml"], "supplier"))
        runs.append(("examples/infusion-pump", tdb, None,
                     ["--triage", "tests/triage/data/accepted-triage.yaml"], "accepted"))
    if os.path.exists(fixture_db):
        runs.append(("tests/scan/data/monitor", fixture_db, None))
    else:
        print(f"note: no fixture database at {fixture_db}: the monitor with findings is left out")
    if os.path.exists(shared_db):
        runs += [(dev, shared_db, version) for dev, version in fielded]
    else:
        print(f"note: no database of the shared advisories at {shared_db}: the examples' findings are left out")
    failures, csaf_files = [], []
    env = dict(os.environ, MEDSEC_NOW="2026-11-28T09:30:00Z")
    with tempfile.TemporaryDirectory() as tmp:
        for n, (dev, db, version, *extra) in enumerate(runs):
            for fmt, val in vals.items():
                outs = []
                for k in range(2):
                    path = os.path.join(tmp, f"{n}-{fmt}-{k}.json")
                    cmd = [medsec, "vex", dev, "--format", fmt, "-o", path]
                    if db:
                        cmd += ["--db", db]
                    if version:
                        cmd += ["--version", version]
                    cmd += extra[0] if extra else []
                    p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
                    if p.returncode != 0:
                        failures.append(f"{' '.join(cmd[1:])}: exit {p.returncode}: {p.stderr.strip()}")
                        break
                    with open(path, "rb") as f:
                        outs.append(f.read())
                if len(outs) != 2:
                    continue
                label = (f"{dev} {fmt}{' with a database' if db else ''}{' version ' + version if version else ''}"
                         f"{' and its triage file' if extra else ''}")
                if outs[0] != outs[1]:
                    failures.append(f"{label}: two runs differ")
                doc = json.loads(outs[0])
                errs = sorted(val.iter_errors(doc), key=lambda e: list(e.path)) if val else []
                for e in errs[:10]:
                    failures.append(f"{label}: schema: {'/'.join(map(str, e.path))}: {e.message[:300]}")
                n_st = len(doc.get("vulnerabilities", doc.get("statements", [])))
                checked = f", {len(errs)} schema errors" if val else ""
                print(f"{label}: {len(outs[0])} bytes, {n_st} entries{checked}")
                if fmt == "csaf":
                    csaf_files.append(os.path.join(tmp, f"{n}-{fmt}-0.json"))
                kind = extra[1] if len(extra) > 1 else None
                text = outs[0].decode()
                if kind == "supplier":
                    named = {"cyclonedx": '"medsec:vex:supplier"', "csaf": '"Supplier statement"',
                             "openvex": '"supplier": "Example BSP Vendor"'}[fmt]
                    if named not in text or "Example BSP Vendor" not in text:
                        failures.append(f"{label}: the supplier's statements are not named as the supplier's")
                if kind == "accepted" and fmt == "cyclonedx":
                    ctx = [r for v in doc["vulnerabilities"] for r in v.get("ratings", [])
                           if r.get("justification", "").startswith("In the device's context")]
                    if not ctx or not all(r["vector"].startswith(("CVSS:3.1/", "CVSS:4.0/")) for r in ctx):
                        failures.append(f"{label}: no in-context rating of the accepted suggestions")
        if mods and csaf_files:
            p = subprocess.run(["node", os.path.join(root, "tests", "vex", "csaf_mandatory.mjs"), mods, *csaf_files],
                               capture_output=True, text=True)
            print(p.stdout, end="")
            if p.returncode != 0:
                failures.append("csaf-validator-lib: " + (p.stdout + p.stderr)[-2000:])
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
