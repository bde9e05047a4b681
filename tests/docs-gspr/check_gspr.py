#!/usr/bin/env python3
"""The GSPR checklist and the IEC 81001-5-1 matrix of `medsec docs` (docs/docs-gspr.md).

Usage: check_gspr.py MEDSEC REPO

Runs `medsec docs --json` on the examples, on copies of the infusion pump with one fact of the
security file changed, and on tests/docs-gspr/data/standalone, and judges the checklist rows:
every GSPR of MDCG 2019-16 Table 1 exactly once (Markdown and JSON), every applicable row traced to
records that exist in the security file or to a named gap, and the rules firing where the file
says so and staying quiet where it does not.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

GSPRS = ["1", "2", "3", "4", "8", "14.1", "14.2(d)", "14.5", "17.1", "17.2", "17.4", "18.8",
         "22.1", "23.1(g)", "23.2(m)", "23.4(g)", "23.4(ab)"]
# the clauses the matrix must hold (IEC 81001-5-1:2021 clauses 4 to 9)
CLAUSES = ["4.1.5", "4.1.7", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7.1",
           "5.7.2", "5.7.3", "5.7.4", "5.7.5", "5.8", "6.1", "6.2", "6.3", "7.1", "7.2", "7.3",
           "7.4", "7.5", "8", "9.2", "9.3"]
# record kinds that name an entry of the security file by its id
FILE_KINDS = {"requirement", "control", "evidence", "assumption", "duty", "hazard",
              "vulnerability", "flow", "interface", "item", "risk_acceptance"}

MEDSEC, REPO = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def docs(folder, out):
    r = subprocess.run([MEDSEC, "docs", folder, "-o", out, "--json"], capture_output=True,
                       text=True, timeout=240)
    if r.returncode != 0:
        raise SystemExit(f"medsec docs {folder} failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout)


def rows(j, key="gspr"):
    return {r["gspr" if key == "gspr" else "clause"]: r for r in j["data"][key]}


def gaps(j, area, item):
    return [g["text"] for g in j["gaps"] if g["area"] == area and g["item"] == item]


def copy_pump(tmp, name, edits):
    """A copy of the infusion pump with (old, new) text replacements in device.yaml."""
    dst = os.path.join(tmp, name)
    shutil.copytree(os.path.join(REPO, "examples", "infusion-pump"), dst)
    path = os.path.join(dst, "device.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for old, new in edits:
        if callable(old):
            text = old(text)
            continue
        if text.count(old) != 1:
            raise SystemExit(f"fixture edit {old!r} matches {text.count(old)} times")
        text = text.replace(old, new)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return dst


def golden(label, out):
    """The two documents against tests/docs-gspr/golden/LABEL/ (reviewed output; with
    MEDSEC_UPDATE_GOLDEN=1 the files are rewritten instead)."""
    gdir = os.path.join(REPO, "tests", "docs-gspr", "golden", label)
    for name in ("gspr-checklist.md", "iec-81001-5-1-matrix.md"):
        with open(os.path.join(out, "md", name), encoding="utf-8") as f:
            got = f.read()
        path = os.path.join(gdir, name)
        if os.environ.get("MEDSEC_UPDATE_GOLDEN") == "1":
            os.makedirs(gdir, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(got)
            continue
        with open(path, encoding="utf-8") as f:
            want = f.read()
        if not check(got == want, f"{label}: {name} differs from its golden file"):
            import difflib
            sys.stdout.writelines(list(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True), path, "output"))[:40])


def demote(control):
    """An edit: @control's status from verified to implemented."""
    def edit(text):
        start = text.index("  - id: " + control + "\n")
        at = text.index("    status: verified\n", start)
        return text[:at] + "    status: implemented\n" + text[at + len("    status: verified\n"):]
    return edit


def judge_set(label, folder, j, out):
    """What holds for every device: the structure of both documents and their data."""
    with open(os.path.join(folder, "device.yaml"), encoding="utf-8") as f:
        yaml_text = f.read()
    ids = set(re.findall(r"^\s*-?\s*(?:id|risk):\s*(\S+)\s*$", yaml_text, re.M))
    data = j["data"]["gspr"]
    check([r["gspr"] for r in data] == GSPRS, f"{label}: JSON GSPR rows are {[r['gspr'] for r in data]}")
    with open(os.path.join(out, "md", "gspr-checklist.md"), encoding="utf-8") as f:
        md = f.read()
    firsts = [m.group(1) for m in re.finditer(r"^\| ([0-9][^|]*?) \|", md, re.M)]
    check(firsts == GSPRS, f"{label}: Markdown checklist rows are {firsts}")
    for g in GSPRS:
        heading_hits = len(re.findall(r"^\| " + re.escape(g) + r" \|", md, re.M))
        check(heading_hits == 1, f"{label}: GSPR {g} has {heading_hits} checklist rows")
    clauses = [r["clause"] for r in j["data"]["iec81001"]]
    for c in CLAUSES:
        check(clauses.count(c) == 1, f"{label}: clause {c} appears {clauses.count(c)} times")
    for key, area in (("gspr", "GSPR"), ("iec81001", "IEC 81001-5-1")):
        for item, r in rows(j, key).items():
            where = f"{label}: {area} {item}"
            meets = [x for x in r["records"] if x["meets"]]
            if not r["applicable"]:
                check(r["status"] == "not applicable", f"{where}: not applicable but {r['status']}")
                check(r["applicability"].startswith("not applicable: ") and
                      len(r["applicability"]) > 30, f"{where}: no reason for not applicable")
                check(not r["gaps"] and not gaps(j, area, item), f"{where}: gap on a row that does not apply")
                continue
            check(meets or r["gaps"], f"{where}: neither evidence nor a gap")
            want = "met" if not r["gaps"] else "partly" if meets else "gap"
            check(r["status"] == want, f"{where}: status {r['status']}, records say {want}")
            check(sorted(r["gaps"]) == sorted(gaps(j, area, item)),
                  f"{where}: row gaps {r['gaps']} differ from the set's gaps")
            for x in r["records"]:
                if x["kind"] in FILE_KINDS:
                    check(x["id"] in ids, f"{where}: record {x['kind']} {x['id']} is not in the security file")
                if x["kind"] == "evidence" and x["meets"]:
                    check(x.get("note") == "pass", f"{where}: evidence {x['id']} ({x.get('note')}) counted as meeting it")


def main():
    tmp = tempfile.mkdtemp(prefix="medsec-gspr-")
    try:
        pump = os.path.join(REPO, "examples", "infusion-pump")
        base = docs(pump, os.path.join(tmp, "pump"))
        judge_set("infusion-pump", pump, base, os.path.join(tmp, "pump"))
        golden("infusion-pump", os.path.join(tmp, "pump"))
        b = rows(base)
        # the pump as shipped: 17.4 traced to SR-001, 14.2(d) met through SR-005 / EV-LIB-SIG
        check(b["17.4"]["status"] == "met" and any(x["id"] == "SR-001" for x in b["17.4"]["records"]),
              f"pump: 17.4 is {b['17.4']['status']} without SR-001")
        check(b["14.2(d)"]["status"] == "met", f"pump: 14.2(d) is {b['14.2(d)']['status']}")
        # (5.7.5 lists every test whose tester is not recorded: not about its result)
        check(not any("EV-LIB-SIG" in g["text"] for g in base["gaps"] if g["item"] != "5.7.5"),
              "pump: a gap names EV-LIB-SIG although it passes")
        # professional users only: 22.1 does not apply, and says why from the file
        check(not b["22.1"]["applicable"] and "registered nurses" in b["22.1"]["applicability"],
              f"pump: 22.1 {b['22.1']['applicability']}")
        # EV-SCA is open: the GSPRs it supports are not met
        check(b["17.2"]["status"] != "met" and any("EV-SCA" in t for t in b["17.2"]["gaps"]),
              "pump: 17.2 met although EV-SCA is open")
        i = rows(base, "iec81001")
        check(i["5.7.4"]["status"] == "met", f"pump: 5.7.4 is {i['5.7.4']['status']}")

        # nothing traces to GSPR 17.4 any more: a 17.4 gap appears
        f = copy_pump(tmp, "no-17.4", [("sources: [MDR GSPR 17.4, IEC 81001-5-1 5.2, MDS2 TXCF]",
                                        "sources: [IEC 81001-5-1 5.2, MDS2 TXCF]")])
        j = docs(f, os.path.join(tmp, "no-17.4-out"))
        judge_set("no-17.4", f, j, os.path.join(tmp, "no-17.4-out"))
        r = rows(j)["17.4"]
        check(r["status"] != "met" and gaps(j, "GSPR", "17.4"), f"no-17.4: 17.4 is {r['status']} with no gap")
        check(not any(x["id"] == "SR-001" for x in r["records"]), "no-17.4: SR-001 still traced to 17.4")

        # the same input gives the same documents, byte for byte
        again = docs(pump, os.path.join(tmp, "pump-again"))
        for name in ("gspr-checklist.md", "iec-81001-5-1-matrix.md"):
            with open(os.path.join(tmp, "pump", "md", name), "rb") as a, \
                    open(os.path.join(tmp, "pump-again", "md", name), "rb") as b2:
                check(a.read() == b2.read(), f"pump: {name} differs between two runs")
        check(again["data"]["gspr"] == base["data"]["gspr"], "pump: GSPR data differs between two runs")

        # "GSPR 14.2" is not 14.2(d): SR-005 no longer traces to it
        f = copy_pump(tmp, "cites-14.2", [("sources: [MDR GSPR 14.2(d), IEC 81001-5-1 5.2]",
                                           "sources: [MDR GSPR 14.2, IEC 81001-5-1 5.2]")])
        j = docs(f, os.path.join(tmp, "cites-14.2-out"))
        r = rows(j)["14.2(d)"]
        check(not any(x["id"] == "SR-005" for x in r["records"]) and
              any("cite GSPR 14.2(d)" in t for t in gaps(j, "GSPR", "14.2(d)")),
              "cites-14.2: SR-005 citing GSPR 14.2 still traces to 14.2(d)")

        # a requirement now cites 14.1: its "no requirement" gap goes away
        f = copy_pump(tmp, "cites-14.1", [("sources: [MDR GSPR 17.4, IEC 81001-5-1 5.2, MDS2 TXCF]",
                                           "sources: [MDR GSPR 17.4, MDR GSPR 14.1, IEC 81001-5-1 5.2, MDS2 TXCF]")])
        j = docs(f, os.path.join(tmp, "cites-14.1-out"))
        check(not any("cite GSPR 14.1" in t for t in gaps(j, "GSPR", "14.1")),
              "cites-14.1: the 14.1 tracing gap stays although SR-001 cites it")
        check(rows(j)["14.1"]["status"] == "met", f"cites-14.1: 14.1 is {rows(j)['14.1']['status']}")

        # a failing test turns its GSPR from met to partly / gap, and names the test
        for result in ("fail", "open"):
            # the control it verified can no longer be "verified" (the loader checks that)
            f = copy_pump(tmp, "lib-" + result, [
                ("title: Drug library signature verification tests\n    kind: test\n    result: pass",
                 "title: Drug library signature verification tests\n    kind: test\n    result: " + result),
                (demote("c-signed-library"), None)])
            j = docs(f, os.path.join(tmp, "lib-" + result + "-out"))
            judge_set("lib-" + result, f, j, os.path.join(tmp, "lib-" + result + "-out"))
            r = rows(j)["14.2(d)"]
            check(r["status"] in ("partly", "gap"), f"lib-{result}: 14.2(d) is {r['status']}")
            check(any("EV-LIB-SIG" in t for t in gaps(j, "GSPR", "14.2(d)")),
                  f"lib-{result}: no 14.2(d) gap names EV-LIB-SIG")

        # no penetration test on record: 5.7.4 is a gap
        f = copy_pump(tmp, "no-pentest", [("kind: penetration_test", "kind: test")])
        j = docs(f, os.path.join(tmp, "no-pentest-out"))
        check(rows(j, "iec81001")["5.7.4"]["status"] == "gap" and gaps(j, "IEC 81001-5-1", "5.7.4"),
              "no-pentest: 5.7.4 not a gap")

        # a device with no network: the interoperability GSPRs do not apply, 17.2 still does
        sa = os.path.join(REPO, "tests", "docs-gspr", "data", "standalone")
        j = docs(sa, os.path.join(tmp, "sa"))
        judge_set("standalone", sa, j, os.path.join(tmp, "sa"))
        s = rows(j)
        for g in ("14.1", "14.2(d)", "14.5"):
            check(not s[g]["applicable"], f"standalone: {g} applies")
        check("no network" in s["14.1"]["applicability"] and "screen" in s["14.1"]["applicability"],
              f"standalone: 14.1 reason {s['14.1']['applicability']}")
        for g in ("17.2", "17.4", "18.8", "23.4(ab)"):
            check(s[g]["applicable"], f"standalone: {g} does not apply")
        check(s["18.8"]["status"] == "met", f"standalone: 18.8 is {s['18.8']['status']}")

        # the same device with one flow to a lab system over the network (no interface written
        # down for it): it connects to other IT, so 14.1, 14.2(d) and 14.5 apply again
        net = os.path.join(tmp, "standalone-flow")
        shutil.copytree(sa, net)
        with open(os.path.join(net, "device.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = text.replace("\nitems:\n", """
  - id: hospital-network
    name: Hospital network
    trust: 30
    access: network

items:
  - id: lab-system
    name: Laboratory information system
    kind: external_system
    element: external_entity
    zone: hospital-network
    type: system
""", 1).replace("\nassets:\n", """
  - id: f-export
    name: Readings exported to the laboratory system
    from: monitor-fw
    to: lab-system
    channel: network
    protocol: hl7-mllp
    purpose: clinical_data
    data: [vital_signs]
    authenticated: false
    encrypted: false

assets:
""", 1)
        with open(os.path.join(net, "device.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
        j = docs(net, os.path.join(tmp, "standalone-flow-out"))
        judge_set("standalone-flow", net, j, os.path.join(tmp, "standalone-flow-out"))
        s = rows(j)
        for g in ("14.1", "14.2(d)", "14.5"):
            check(s[g]["applicable"] and "f-export" in s[g]["applicability"],
                  f"standalone-flow: {g}: {s[g]['applicability']}")
        # unauthenticated, no integrity, no control: the flow is a 14.1 gap
        check(any("f-export" in t for t in gaps(j, "GSPR", "14.1")),
              "standalone-flow: the unprotected flow f-export is no 14.1 gap")

        # the glucose app is used by people with diabetes and carers: 22.1 applies
        gl = os.path.join(REPO, "examples", "glucose-cloud")
        j = docs(gl, os.path.join(tmp, "gl"))
        judge_set("glucose-cloud", gl, j, os.path.join(tmp, "gl"))
        golden("glucose-cloud", os.path.join(tmp, "gl"))
        check(rows(j)["22.1"]["applicable"], "glucose-cloud: 22.1 does not apply to lay users")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
