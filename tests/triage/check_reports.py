"""check_reports.py: `medsec triage --json` judged by docs/schema/triage-report.schema.json and by its counts.

Validates (python3-jsonschema, Draft 2020-12; the coverage objects against docs/schema/scan-report.schema.json)
every JSON golden of `medsec triage` (tests/triage/cases/*, those whose args run `triage` with --json) and live
reports: both example devices over both triage test databases, with 0, 1 or 2 of the test triage files, for the
releases in the field, every release (--all) and each release alone (--version). Each report must also keep what
docs/triage.md states:
- the summary counts the findings by status, and `remaining` counts those untriaged, stale or past due;
- a past-due finding has a due date before today; a decided one (rule, hand, supplier, security file) that is not
  in_triage has none;
- the exit code is 1 exactly when something remains;
- with --version V, every finding is of release V;
- the suggestions from the architecture keep docs/triage.md's rules, which a reviewer would otherwise reject: an
  in-context attack vector (MAV) only more restrictive than the advisory's AV, privileges (MPR:L) only raised from
  PR:N, attack complexity (MAC:H) only from AC:L, all three security requirements stated, a 4.0 safety impact
  (MSI:S, MSA:S) only on a property the vulnerability touches, E:A only for a KEV finding, not_affected only as
  requires_environment for an advisory that needs network or adjacent access, with MAV:P; the summary counts them;
- `medsec risk --db` (same database and triage files) has a risk R-VULN@COMPONENT for exactly the findings of the
  current release that the triage leaves open or affected (untriaged, stale, or decided exploitable or in triage;
  those the security file assesses have its own risks): what the triage file closes adds no risk.

usage: check_reports.py MEDSEC DB1 DB2 SOURCE_ROOT
"""
import csv
import glob
import io
import json
import os
import re
import sys

from reportlib import CLOSED, DEVICES, NOW, jsonschema, run

FILES = [[], ["tests/triage/data/pump-triage.yaml"],
         ["tests/triage/data/pump-triage.yaml", "tests/triage/data/supplier-triage.yaml"]]
STATUS_KEY = {"rule": "by_rule", "hand": "by_hand", "supplier": "by_supplier", "security file": "by_security_file",
              "suggestion": "by_suggestion",
              "untriaged": "untriaged", "stale": "stale"}



def versions(root, device):
    with open(os.path.join(root, device, "device.yaml"), encoding="utf-8") as f:
        return re.findall(r"^  - version: *(\S+)", f.read(), re.M)


def check_counts(where, rep, failures, version=None):
    s, fs = rep["summary"], rep["findings"]
    if s["findings"] != len(fs):
        failures.append(f"{where}: summary counts {s['findings']} findings, lists {len(fs)}")
    for status, key in STATUS_KEY.items():
        n = sum(1 for f in fs if f["status"] == status)
        if s[key] != n:
            failures.append(f"{where}: summary {key} {s[key]}, {n} listed")
    past = sum(1 for f in fs if f["past_due"])
    if s["past_due"] != past:
        failures.append(f"{where}: summary past_due {s['past_due']}, {past} listed")
    remaining = sum(1 for f in fs if f["status"] in ("untriaged", "stale") or f["past_due"])
    if s["remaining"] != remaining:
        failures.append(f"{where}: summary remaining {s['remaining']}, {remaining} listed")
    for f in fs:
        w = f"{where}: {f['release']} {f['name']} {f['vulnerability']}"
        if f["past_due"] and not (f["due"] and f["due"] < NOW):
            failures.append(f"{w}: past due with due {f['due']}")
        decided = f["status"] in ("rule", "hand", "supplier", "security file")
        if decided and f["state"] != "in_triage" and f["due"] is not None:
            failures.append(f"{w}: decided ({f['status']}, {f['state']}) but due {f['due']}")
        if version and f["release"] != version:
            failures.append(f"{w}: listed under --version {version}")




AV_ORDER = "NALP"


def metrics(vector):
    return dict(p.split(":", 1) for p in vector.split("/")[1:])


def check_suggestions(where, rep, failures):
    s, fs = rep["summary"], rep["findings"]
    sug = [f for f in fs if "suggestion" in f]
    counts = {"suggested": len(sug),
              "suggested_exploitable": sum(1 for f in sug if f["suggestion"]["state"] == "exploitable"),
              "suggested_scored": sum(1 for f in sug if "cvss_v3" in f["suggestion"] or "cvss_v4" in f["suggestion"]),
              "unsuggested": sum(1 for f in fs if "no_suggestion" in f)}
    for k, n in counts.items():
        if s[k] != n:
            failures.append(f"{where}: summary {k} {s[k]}, {n} listed")
    for f in sug:
        g, w = f["suggestion"], f"{where}: {f['release']} {f['name']} {f['vulnerability']}"
        v3 = metrics(g["cvss_v3"]["vector"]) if "cvss_v3" in g else None
        v4 = metrics(g["cvss_v4"]["vector"]) if "cvss_v4" in g else None
        for v, name in ((v3, "3.1"), (v4, "4.0")):
            if v is None:
                continue
            if "MAV" in v and AV_ORDER.index(v["MAV"]) <= AV_ORDER.index(v["AV"]):
                failures.append(f"{w}: {name} MAV:{v['MAV']} is not more restrictive than AV:{v['AV']}")
            if "MPR" in v and (v["MPR"] != "L" or v["PR"] != "N"):
                failures.append(f"{w}: {name} MPR:{v['MPR']} with PR:{v['PR']}")
            if "MAC" in v and (v["MAC"] != "H" or v["AC"] != "L"):
                failures.append(f"{w}: {name} MAC:{v['MAC']} with AC:{v['AC']}")
            if not all(k in v for k in ("CR", "IR", "AR")):
                failures.append(f"{w}: {name} lacks a security requirement")
        if v4 is not None:
            if v4.get("MSI") == "S" and v4["VI"] == "N" and v4["SI"] == "N":
                failures.append(f"{w}: MSI:S on a vulnerability with no integrity impact")
            if v4.get("MSA") == "S" and v4["VA"] == "N" and v4["SA"] == "N":
                failures.append(f"{w}: MSA:S on a vulnerability with no availability impact")
            if ("E" in v4) != bool(f["kev"]):
                failures.append(f"{w}: 4.0 E metric {v4.get('E')} with kev {f['kev']}")
        if g["state"] == "not_affected":
            av = (v3 or v4 or {}).get("AV")
            if g["justification"] != "requires_environment":
                failures.append(f"{w}: not_affected suggested as {g['justification']}")
            if av is not None and (av not in "NA" or (v3 or v4).get("MAV") != "P"):
                failures.append(f"{w}: not_affected suggested with AV:{av} MAV:{(v3 or v4).get('MAV')}")
        for sc in (g.get("cvss_v3"), g.get("cvss_v4")):
            if sc and not 0 <= sc["score"] <= 10:
                failures.append(f"{w}: in-context score {sc['score']}")


def check_risk(where, medsec, root, dev, db, tf, failures):
    """The register's finding risks are the current release's findings the triage leaves open or affected."""
    _, out = run(medsec, root, ["risk", dev, "--db", db, "--csv"] + tf)
    rows = list(csv.reader(io.StringIO(out)))
    risks = {tuple(r[0][2:].split("@", 1)) for r in rows[1:] if r and r[0].startswith("R-") and "@" in r[0]}
    with open(os.path.join(root, dev, "device.yaml"), encoding="utf-8") as f:
        current = re.search(r"^  current_version: *(\S+)", f.read(), re.M).group(1)
    _, out = run(medsec, root, ["triage", dev, "--db", db, "--version", current, "--json"] + tf)
    want = {(f["vulnerability"], f["component"]) for f in json.loads(out)["findings"]
            if f["status"] != "security file" and (f["status"] in ("untriaged", "stale") or f["state"] not in CLOSED)}
    if risks != want:
        failures.append(f"{where}: risk --db has {len(risks)} finding risks, the triage leaves {len(want)} open: "
                        f"extra {sorted(risks - want)[:3]}, missing {sorted(want - risks)[:3]}")


def main():
    medsec, db1, db2, root = sys.argv[1:5]
    sdir = os.path.join(root, "docs", "schema")
    schema = json.load(open(os.path.join(sdir, "triage-report.schema.json"), encoding="utf-8"))
    scan_schema = json.load(open(os.path.join(sdir, "scan-report.schema.json"), encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    resolver = jsonschema.RefResolver.from_schema(schema, store={scan_schema["$id"]: scan_schema})
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
    failures = []
    checked = 0

    def judge(where, text, version=None):
        nonlocal checked
        try:
            rep = json.loads(text)
        except ValueError as e:
            failures.append(f"{where}: not JSON: {e}")
            return None
        errors = sorted(validator.iter_errors(rep), key=lambda e: list(e.path))[:10]
        for e in errors:
            failures.append(f"{where}: {'/'.join(map(str, e.path))}: {e.message}")
        checked += 1
        if not errors:
            check_counts(where, rep, failures, version)
            check_suggestions(where, rep, failures)
        return None if errors else rep

    for case in sorted(glob.glob(os.path.join(root, "tests", "triage", "cases", "*"))):
        with open(os.path.join(case, "args"), encoding="utf-8") as f:
            args = f.read().split()
        if not args or args[0] != "triage" or "--json" not in args or len(args) > 1 and args[1] in ("set", "sync"):
            continue
        with open(os.path.join(case, "stdout"), encoding="utf-8") as f:
            judge(os.path.relpath(case, root), f.read())

    for db in (db1, db2):
        for files in FILES:
            tf = [a for f in files for a in ("--triage", f)]
            for dev in DEVICES:
                check_risk(" ".join(["risk", dev, os.path.basename(db)] + files), medsec, root, dev, db, tf, failures)
                for sel in [[], ["--all"]] + [["--version", v] for v in versions(root, dev)]:
                    args = ["triage", dev, "--db", db] + tf + sel + ["--json"]
                    where = " ".join(["triage", dev, os.path.basename(db)] + files + sel)
                    code, out = run(medsec, root, args)
                    rep = judge(where, out, sel[1] if sel[:1] == ["--version"] else None)
                    if rep is not None and code != (1 if rep["summary"]["remaining"] else 0):
                        failures.append(f"{where}: exit {code} with {rep['summary']['remaining']} remaining")
    for f in failures:
        print("FAIL:", f)
    print(f"{checked} triage reports checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
