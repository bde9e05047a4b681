"""suggest_review.py: the suggestions from the architecture on the bundled devices, on the database of all of
../shared/data/advisories, measured and held against a reviewer's judgement (docs/triage.md, "Measured on the
bundled devices").

1. Coverage: for both examples (every release in the field), how many open findings get a suggestion, how many
   an in-context CVSS 3.1 / 4.0, how many are suggested not affected. Every suggestion must keep the rules of
   check_reports.py (check_suggestions), and every open finding on a placed component must get one.
2. Against the manufacturer: the pump's security file assesses 102 findings itself (`vulnerabilities:`, reviewed
   by its product security team). On a copy of the pump without those assessments, the suggestion for each must
   never be milder than the manufacturer's judgement: no `not_affected` where the manufacturer says affected.
   The agreement table is printed.

usage: suggest_review.py MEDSEC SHARED_DB SOURCE_ROOT
"""
import collections
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reportlib import DEVICES, SKIP, run  # noqa: E402
from check_reports import check_suggestions  # noqa: E402


def assessments(device_yaml):
    """(vulnerability, component) -> (status, justification) of the security file's `vulnerabilities:`."""
    out, cur = {}, None
    text = open(device_yaml, encoding="utf-8").read()
    block = text.split("\nvulnerabilities:\n", 1)[1].split("\ncomponent_support:", 1)[0]
    for line in block.splitlines():
        m = re.match(r"  - id: (\S+)", line)
        if m:
            cur = {"id": m.group(1), "components": [], "status": None, "justification": None}
            continue
        if cur is None:
            continue
        m = re.match(r"    components: \[(.*)\]", line)
        if m:
            cur["components"] = [c.strip() for c in m.group(1).split(",")]
        m = re.match(r"    (status|justification): (\S+)", line)
        if m:
            cur[m.group(1)] = m.group(2)
            for c in cur["components"]:
                out[(cur["id"], c)] = (cur["status"], cur["justification"])
    return out


def main():
    medsec, db, root = sys.argv[1:4]
    if not os.path.exists(db):
        print(f"SKIP: no database of ../shared/data at {db} (run with ../shared/data present)")
        return SKIP
    failures = []
    for dev in DEVICES:
        code, out = run(medsec, root, ["triage", dev, "--db", db, "--json"])
        rep = json.loads(out)
        check_suggestions(dev, rep, failures)
        s = rep["summary"]
        opened = s["untriaged"] + s["stale"]
        print(f"{dev}: {s['findings']} findings, {opened} open; suggested {s['suggested']} "
              f"(exploitable {s['suggested_exploitable']}, not affected "
              f"{s['suggested'] - s['suggested_exploitable']}), in-context CVSS {s['suggested_scored']}, "
              f"none {s['unsuggested']}")
        for f in rep["findings"]:
            if "no_suggestion" in f and "puts the component on no item" not in f["no_suggestion"]:
                failures.append(f"{dev}: {f['vulnerability']} {f['component']}: no suggestion: {f['no_suggestion']}")
    # the pump without its own assessments
    pump = os.path.join(root, "examples", "infusion-pump")
    manufacturer = assessments(os.path.join(pump, "device.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "pump")
        shutil.copytree(pump, copy)
        path = os.path.join(copy, "device.yaml")
        text = open(path, encoding="utf-8").read()
        head, rest = text.split("\nvulnerabilities:\n", 1)
        text = head + "\nvulnerabilities: []\n\ncomponent_support:" + rest.split("\ncomponent_support:", 1)[1]
        open(path, "w", encoding="utf-8").write(text)
        code, out = run(medsec, root, ["triage", copy, "--db", db, "--all", "--json"])
    rep = json.loads(out)
    check_suggestions("pump without its assessments", rep, failures)
    table = collections.Counter()
    for f in rep["findings"]:
        key = (f["vulnerability"], f["component"])
        if key not in manufacturer:
            continue
        status, just = manufacturer[key]
        g = f.get("suggestion")
        sug = (g["state"], g["justification"]) if g else ("none", None)
        table[(status, just, sug[0], sug[1])] += 1
        if status == "affected" and sug[0] == "not_affected":
            failures.append(f"{key}: suggested not_affected where the manufacturer assessed it affected")
    print("the manufacturer's assessment -> the suggestion (findings over every release):")
    for (status, just, st, sj), n in sorted(table.items()):
        print(f"  {status}{' (' + just + ')' if just else ''} -> {st}{' (' + sj + ')' if sj else ''}: {n}")
    if sum(table.values()) == 0:
        failures.append("no finding of the pump's own assessments was found again")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
