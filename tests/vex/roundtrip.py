#!/usr/bin/python3
"""roundtrip.py: VEX out, then in: what `medsec vex` writes, `medsec vex read` reads back the same.

usage: roundtrip.py MEDSEC ROOT DB

For the pump with the triage test database and decisions (tests/triage/data), each format is written
and read back. The expected decisions come from the written OpenVEX document, parsed here with the
json module alone: (vulnerability, component purl, status, justification). Each format's read-back
must hold exactly that set, and the details must agree (CSAF: those of not-affected statements)."""
import json
import os
import subprocess
import sys
import tempfile

STATUS = {"in_triage": "under_investigation", "exploitable": "affected", "not_affected": "not_affected",
          "false_positive": "not_affected", "resolved": "fixed", "resolved_with_pedigree": "fixed"}


def main():
    medsec, root, db = sys.argv[1:4]
    if not os.path.exists(db):
        print(f"SKIP: no triage test database at {db}")
        return 77
    env = dict(os.environ, MEDSEC_NOW="2026-11-28T09:30:00Z", NO_COLOR="1")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        got, details = {}, {}
        for fmt in ("openvex", "cyclonedx", "csaf"):
            path = os.path.join(tmp, f"pump.{fmt}.json")
            p = subprocess.run([medsec, "vex", "examples/infusion-pump", "--format", fmt, "--db", db,
                                "--triage", "tests/triage/data/pump-triage.yaml", "-o", path],
                               cwd=root, env=env, capture_output=True, text=True)
            if p.returncode != 0:
                failures.append(f"vex --format {fmt}: exit {p.returncode}: {p.stderr.strip()}")
                continue
            if fmt == "openvex":
                with open(path) as f:
                    doc = json.load(f)
                want = set()
                for s in doc["statements"]:
                    for prod in s["products"]:
                        for sub in prod.get("subcomponents", [prod]):
                            want.add((s["vulnerability"]["name"], sub["@id"], s["status"],
                                      s.get("justification")))
            r = subprocess.run([medsec, "vex", "read", "--json", path], cwd=root, env=env,
                               capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(f"vex read {fmt}: exit {r.returncode}: {r.stderr.strip()}")
                continue
            sts = json.loads(r.stdout)[0]["statements"]
            got[fmt] = {(s["vulnerability"], s["product"], STATUS[s["state"]], s["justification"])
                        for s in sts}
            details[fmt] = {(s["vulnerability"], s["product"]): (s["status"], s["detail"]) for s in sts}
            print(f"{fmt}: {len(sts)} statements read back, {len(got[fmt])} distinct decisions")
        for fmt, g in got.items():
            if g != want:
                failures.append(f"{fmt}: read back differs from what was written: missing "
                                f"{sorted(want - g)[:3]}, extra {sorted(g - want)[:3]}")
        decided = sum(1 for w in want if w[2] != "under_investigation")
        print(f"written: {len(want)} decisions, {decided} of them decided")
        if decided < 10:
            failures.append(f"only {decided} decided statements: the triage decisions did not reach the VEX")
        # CSAF carries a statement's detail as the impact statement of a not-affected product (the
        # VEX profile's threat of category impact); for the other statuses it writes the action as
        # a remediation, so only the not-affected details are compared there
        for key, (status, detail) in details.get("openvex", {}).items():
            for fmt in ("cyclonedx", "csaf"):
                if fmt == "csaf" and status != "not_affected":
                    continue
                other = details.get(fmt, {}).get(key, (None, None))[1]
                if detail and other != detail:
                    failures.append(f"{fmt}: detail of {key} differs: {other!r} != {detail!r}")
                    break
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
