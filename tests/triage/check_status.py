"""check_status.py: `medsec status --json` judged by docs/schema/status.schema.json and by its own rules.

Validates (python3-jsonschema, Draft 2020-12) every JSON golden of `medsec status` (tests/triage/cases/status-*)
and live reports on the example devices, alone and together, over both triage test databases, with and
without the shared triage files and with --all. Each report must also keep the rules docs/status.md states:
- ranks run 1..n; tiers never go back up the list; within a tier the earliest due date comes first;
- each vulnerability's tier is what its places say (recomputed here from the places);
- a place is open exactly when it is untriaged, stale or past due; past due means due before today;
- the summary's counts are the lists' counts;
- the places of each device are exactly the findings `medsec triage --json` lists for it (release, component,
  vulnerability and status), so the portfolio drops and invents nothing.

usage: check_status.py MEDSEC DB1 DB2 SOURCE_ROOT
"""
import glob
import json
import os
import sys

from reportlib import CLOSED, DEVICES, NOW, jsonschema, run

TIERS = ["kev", "past due", "open", "affected", "closed"]
SHARED = ["tests/triage/data/pump-triage.yaml", "tests/triage/data/pump-resolved.yaml",
          "tests/triage/data/fielded-resolved.yaml"]



def tier_of(v):
    places = v["places"]
    affected = any(p["state"] not in CLOSED for p in places)
    if v["kev"] and affected:
        return "kev"
    if any(p["past_due"] for p in places):
        return "past due"
    if any(p["open"] or p["state"] == "in_triage" for p in places):
        return "open"
    return "affected" if affected else "closed"


def check_rules(where, rep, failures):
    vulns = rep["vulnerabilities"]
    key = []
    for i, v in enumerate(vulns):
        w = f"{where}: {v['id']}"
        if v["rank"] != i + 1:
            failures.append(f"{w}: rank {v['rank']} at position {i + 1}")
        if v["tier"] != tier_of(v):
            failures.append(f"{w}: tier {v['tier']}, its places say {tier_of(v)}")
        opened = [p for p in v["places"] if p["open"]]
        if v["open"] != len(opened):
            failures.append(f"{w}: open {v['open']} but {len(opened)} open places")
        dues = [p["due"] for p in v["places"] if p["due"]]
        if v["due"] != (min(dues) if dues else None):
            failures.append(f"{w}: due {v['due']}, places' earliest {min(dues) if dues else None}")
        if v["devices"] != len({p["device"] for p in v["places"]}):
            failures.append(f"{w}: devices {v['devices']}")
        if v["releases"] != len({(p["device"], p["version"]) for p in v["places"]}):
            failures.append(f"{w}: releases {v['releases']}")
        for p in v["places"]:
            should = p["status"] in ("untriaged", "stale") or p["past_due"]
            if p["open"] != should:
                failures.append(f"{w}: {p['device']} {p['version']}: open {p['open']} with status {p['status']}")
            if p["past_due"] and not (p["due"] and p["due"] < NOW):
                failures.append(f"{w}: {p['device']} {p['version']}: past due with due {p['due']}")
        key.append((TIERS.index(v["tier"]), v["due"] is None, v["due"] or ""))
    if key != sorted(key):
        failures.append(f"{where}: not sorted by tier, then earliest due date")
    s = rep["summary"]
    if s["vulnerabilities"] != len(vulns):
        failures.append(f"{where}: summary counts {s['vulnerabilities']} vulnerabilities, lists {len(vulns)}")
    if s["places"] != sum(len(v["places"]) for v in vulns):
        failures.append(f"{where}: summary places {s['places']}")
    if s["open"] != sum(v["open"] for v in vulns):
        failures.append(f"{where}: summary open {s['open']}")
    for t in TIERS:
        if s["by_tier"][t] != sum(1 for v in vulns if v["tier"] == t):
            failures.append(f"{where}: summary by_tier {t}")


def check_against_triage(where, medsec, root, args_db, args_files, dirs, rep, all_releases, failures):
    """The places of each device are the findings `medsec triage --json` lists for it."""
    for d, name in zip(dirs, rep["devices"]):
        targs = ["triage", d] + args_db + args_files + (["--all"] if all_releases else []) + ["--json"]
        _, out = run(medsec, root, targs)
        tri = json.loads(out)
        want = sorted((f["release"], f["name"], f["version"], f["vulnerability"], f["status"])
                      for f in tri["findings"])
        got = sorted((p["version"], p["component"], p["component_version"], v["id"], p["status"])
                     for v in rep["vulnerabilities"] for p in v["places"] if p["device"] == name)
        if want != got:
            missing = [x for x in want if x not in got][:3]
            extra = [x for x in got if x not in want][:3]
            failures.append(f"{where}: {name}: places differ from `medsec triage`: missing {missing}, extra {extra}")


def main():
    medsec, db1, db2, root = sys.argv[1:5]
    schema = json.load(open(os.path.join(root, "docs", "schema", "status.schema.json"), encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = []
    checked = 0

    def judge(where, text):
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
            check_rules(where, rep, failures)
        return None if errors else rep

    for case in sorted(glob.glob(os.path.join(root, "tests", "triage", "cases", "status-*"))):
        with open(os.path.join(case, "args"), encoding="utf-8") as f:
            if "--json" not in f.read():
                continue
        with open(os.path.join(case, "stdout"), encoding="utf-8") as f:
            judge(os.path.relpath(case, root), f.read())

    shared = [[], SHARED[:1], SHARED]
    for db in (db1, db2):
        for files in shared:
            args_files = [a for f in files for a in ("--triage", f)]
            for dirs in ([DEVICES[0]], [DEVICES[1]], DEVICES):
                for all_releases in (False, True):
                    args = ["status"] + dirs + ["--db", db] + args_files + (["--all"] if all_releases else []) + ["--json"]
                    where = f"status {' '.join(dirs)} on {os.path.basename(db)} with {len(files)} shared files" + \
                        (" --all" if all_releases else "")
                    code, out = run(medsec, root, args)
                    rep = judge(where, out)
                    if rep is None:
                        continue
                    if code != (1 if rep["summary"]["open"] else 0):
                        failures.append(f"{where}: exit {code} with {rep['summary']['open']} open")
                    check_against_triage(where, medsec, root, ["--db", db], args_files, dirs, rep, all_releases,
                                         failures)
    for f in failures:
        print("FAIL:", f)
    print(f"{checked} status reports checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
