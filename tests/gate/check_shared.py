"""check_shared.py: the gate on both bundled devices with the database of all of ../shared/data,
checked against what `medsec scan` finds on the same database.

- every KEV finding that scan reports for a release in the field, and that the security file leaves
  open, is a failing item of kev_needs_response for that release, and nothing else is;
- every finding scan reports that neither the security file nor the device's triage file decides
  (by hand, by a rule or by an accepted suggestion, as `medsec triage` reports them; an exploitable one only
  with a response) fails untriaged_max_days at the default 30 days (the bundled releases are all older than that), with its age in days;
- the gate exits 1 on both devices, naming each failing rule on standard error.

usage: check_shared.py MEDSEC SHARED_DB SOURCE_ROOT   (exit 77 when the database is absent)
"""
import json
import os
import subprocess
import sys

import yaml

ENV = dict(os.environ, MEDSEC_NOW="2026-11-28", NO_COLOR="1")


def run(medsec, root, *args):
    return subprocess.run([medsec, *args], cwd=root, capture_output=True, text=True, env=ENV)


def main():
    medsec, db, root = sys.argv[1:4]
    if not os.path.isfile(db):
        print(f"SKIP: no database at {db} (../shared/data is absent or the database test failed)")
        return 77
    failures = []
    for dev in ("examples/infusion-pump", "examples/glucose-cloud"):
        g = run(medsec, root, "gate", "--db", db, "--json", dev)
        if g.returncode != 1:
            failures.append(f"{dev}: gate exit {g.returncode}: {g.stderr[-300:]}")
            continue
        report = json.loads(g.stdout)
        s = run(medsec, root, "scan", "--db", db, "--json", dev)
        if s.returncode not in (0, 1):
            failures.append(f"{dev}: scan exit {s.returncode}")
            continue
        scan = json.loads(s.stdout)
        # the file's decisions: ids it assesses as not open (or affected with a rationale)
        vulns = yaml.safe_load(open(os.path.join(root, dev, "device.yaml"), encoding="utf-8")).get("vulnerabilities") or []
        decided = {v["id"] for v in vulns
                   if v.get("status", "affected") not in ("affected", "under_investigation")
                   or (v.get("status", "affected") == "affected" and v.get("rationale"))}
        # the triage file's decisions, per release, as `medsec triage` reports them
        tr = run(medsec, root, "triage", "--db", db, "--json", dev)
        if tr.returncode not in (0, 1):
            failures.append(f"{dev}: triage exit {tr.returncode}: {tr.stderr[-300:]}")
            continue
        triaged = {}
        for it in json.loads(tr.stdout)["findings"]:
            # decided: a state other than in triage, and for exploitable a response (docs/gate.md)
            if (it["status"] in ("rule", "hand", "suggestion") and it["state"] != "in_triage"
                    and (it["state"] != "exploitable" or it["response"])):
                triaged.setdefault(it["release"], set()).add(
                    f"{it['vulnerability']} in {it['name']} {it['version']}")
        model = {}
        for r in report["results"]:
            model.setdefault(r["rule"], {})[r["release"]] = r
        for rel, res in model["kev_needs_response"].items():
            want = set()
            for t in scan["targets"]:
                if t["version"] != rel:
                    continue
                for f in t["findings"]:
                    if f["kev"] and f["id"] not in decided:
                        c = f["component"]
                        want.add(f"{f['id']} in {c['name']} {c['version']}")
            got = {f["item"] for f in res["failures"]}
            if got != want:
                failures.append(f"{dev} {rel}: kev_needs_response names {sorted(got)}, scan finds {sorted(want)} open")
            print(f"{dev} {rel}: kev_needs_response: {len(got)} failing of {len(want)} KEV findings open in scan")
            if res["result"] != ("fail" if got else "pass"):
                failures.append(f"{dev} {rel}: kev_needs_response result {res['result']}")
        for rel, res in model["untriaged_max_days"].items():
            open_ids = set()
            for t in scan["targets"]:
                if t["version"] != rel:
                    continue
                for f in t["findings"]:
                    if f["id"] in decided:
                        continue
                    c = f["component"]
                    item = f"{f['id']} in {c['name']} {c['version']}"
                    if item not in triaged.get(rel, set()):
                        open_ids.add(item)
            got = {f["item"] for f in res["failures"]}
            print(f"{dev} {rel}: untriaged_max_days: {len(got)} failing of {len(open_ids)} open findings "
                  f"({len(triaged.get(rel, set()))} decided in the triage file)")
            if got != open_ids:
                failures.append(f"{dev} {rel}: untriaged_max_days names {sorted(got ^ open_ids)[:3]} "
                                "(differs from what scan finds open)")
            if any("unassessed for " not in f["reason"] for f in res["failures"]):
                failures.append(f"{dev} {rel}: an untriaged failure without its age")
        for r in report["results"]:
            if r["result"] == "fail" and f"medsec gate: {r['rule']}" not in g.stderr:
                failures.append(f"{dev}: failing rule {r['rule']} not named on stderr")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
