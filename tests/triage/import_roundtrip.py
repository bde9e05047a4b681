#!/usr/bin/python3
"""import_roundtrip.py: VEX out, then in as a supplier's: the decisions come back the same.

usage: import_roundtrip.py MEDSEC ROOT DB

For the pump with the triage test database and decisions (tests/triage/data/pump-triage.yaml),
`medsec vex` writes release 3.2.0 in each format; a triage file that names only that document
(`vex:`) is then held against the same findings. Every finding must be decided by the supplier,
with the state, justification and response the manufacturer's triage gave it, as far as the
format carries them (docs/triage.md, "Supplier VEX"): CycloneDX all three in its own words;
OpenVEX and CSAF the state (false_positive is not_affected there) and the justification in their
five words; CSAF the response of an affected statement through its remediation category; OpenVEX
has no response field (the action statement is kept as text)."""
import json
import os
import subprocess
import sys
import tempfile

TO_OPENVEX = {"code_not_present": "vulnerable_code_not_present",
              "code_not_reachable": "vulnerable_code_not_in_execute_path",
              "requires_configuration": "vulnerable_code_cannot_be_controlled_by_adversary",
              "requires_dependency": "component_not_present",
              "requires_environment": "vulnerable_code_cannot_be_controlled_by_adversary",
              "protected_by_compiler": "inline_mitigations_already_exist",
              "protected_at_runtime": "inline_mitigations_already_exist",
              "protected_at_perimeter": "vulnerable_code_cannot_be_controlled_by_adversary",
              "protected_by_mitigating_control": "inline_mitigations_already_exist"}


def triage(medsec, root, env, db, tfile):
    p = subprocess.run([medsec, "triage", "--json", "--version", "3.2.0", "--db", db, "--triage", tfile,
                        "examples/infusion-pump"], cwd=root, env=env, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"triage --triage {tfile}: exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def main():
    medsec, root, db = sys.argv[1:4]
    if not os.path.exists(db):
        print(f"SKIP: no triage test database at {db}")
        return 77
    env = dict(os.environ, MEDSEC_NOW="2026-11-28T09:30:00Z", NO_COLOR="1")
    failures = []
    base = triage(medsec, root, env, db, "tests/triage/data/pump-triage.yaml")
    want = {(f["vulnerability"], f["component"]): f for f in base["findings"]}
    decided = sum(1 for f in want.values() if f["status"] in ("hand", "rule"))
    if decided < 5:
        failures.append(f"only {decided} findings decided before the export")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("cyclonedx", "openvex", "csaf"):
            doc = os.path.join(tmp, f"pump.{fmt}.json")
            p = subprocess.run([medsec, "vex", "examples/infusion-pump", "--format", fmt, "--db", db,
                                "--triage", "tests/triage/data/pump-triage.yaml", "-o", doc],
                               cwd=root, env=env, capture_output=True, text=True)
            if p.returncode != 0:
                failures.append(f"vex --format {fmt}: exit {p.returncode}: {p.stderr.strip()}")
                continue
            tfile = os.path.join(tmp, f"import-{fmt}.yaml")
            with open(tfile, "w") as f:
                f.write(f"medsec_triage: 1\nvex:\n  - file: pump.{fmt}.json\n    supplier: Round Trip\n")
            try:
                got = triage(medsec, root, env, db, tfile)
            except RuntimeError as e:
                failures.append(f"{fmt}: {e}")
                continue
            n = 0
            for g in got["findings"]:
                key = (g["vulnerability"], g["component"])
                w = want.get(key)
                if not w or not w.get("fingerprint"):
                    continue  # a finding the security file assessed: not in the findings
                n += 1
                if g["status"] != "supplier" or g["decision"]["by"] != "supplier Round Trip":
                    failures.append(f"{fmt}: {key} is {g['status']}, not decided by the supplier")
                    continue
                ws, wj, wr = w["state"], w["justification"], w["response"]
                gs, gj, gr = g["state"], g["justification"], g["response"]
                if fmt != "cyclonedx":
                    ws = "not_affected" if ws == "false_positive" else ws
                    wj = TO_OPENVEX.get(wj, wj)
                    gj = TO_OPENVEX.get(gj, gj)
                if fmt == "openvex":
                    wr = []  # OpenVEX has no response field
                if (gs, gj, gr) != (ws, wj, wr):
                    failures.append(f"{fmt}: {key}: imported {(gs, gj, gr)}, exported {(ws, wj, wr)}")
            if n != len([w for w in want.values() if w.get("fingerprint")]):
                failures.append(f"{fmt}: {n} findings compared, {len(want)} expected")
            s = got["summary"]
            print(f"{fmt}: {n} findings, decided by supplier {s['by_supplier']}, by hand {s['by_hand']}, "
                  f"by rule {s['by_rule']}")
            if s["by_supplier"] != n or s["by_hand"] or s["by_rule"]:
                failures.append(f"{fmt}: summary {s}: every finding should be decided by the supplier")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
