"""check_mds2.py: the MDS2 form `medsec docs` writes (mds2.xlsx, mds2.csv, mds2.json and the mds2
document), judged from outside.

For both examples, written twice:
- the workbook opens with python3-openpyxl; its title block holds the manufacturer, device, model,
  version and date of mds2.json; below the frozen header row, every section row and every question
  row reads back exactly as mds2.csv and mds2.json say (id, question, answer, note);
- every question of rules/mds2.tsv appears exactly once, in form order, in the workbook, the CSV,
  the JSON and the Markdown document; every section of the form has its rows;
- answers are Yes, No, N/A, "See note" or blank; a blank answer is exactly a question listed under
  "unanswered" and reported as an MDS2 gap on standard error; every other answer has a note;
- for release 2.8.7 of the pump, SBOM-1 and RDMP-3 are that release's, and the document warns that
  the other answers come from the current version's design (the current release has no warning);
- the two runs, a second apart, give byte-identical files (the workbook too).
Property runs on edited copies of the infusion pump (python3-yaml):
- no control claims AUTH: no AUTH question (nor SAHD-5.1) is Yes, AUTH-1 and AUTH-2 are No;
- its radios replaced by Ethernet: the wireless questions are N/A or No, never Yes, and the wired
  one (MPII-3.5) is answered Yes from the flows;
- IGAU and EMRG claimed only by the update-signing control (against their HN 1-2019 meaning) and
  the real IGAU controls removed: IGAU-1 and EMRG-1 are No and do not cite that control;
- no personal health data anywhere: MPII-1 is No and the questions under it are N/A, not gaps;
- every control planned: no question answered from a control is Yes.

usage: check_mds2.py MEDSEC SOURCE_ROOT
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import openpyxl
import yaml

ANSWERS = {"Yes", "No", "N/A", "See note", ""}
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def questions(root):
    out = []
    with open(os.path.join(root, "rules", "mds2.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            qid, rule, text = line.split("\t")
            out.append((qid, rule.lstrip("^"), text))
    return out


def run_docs(medsec, device, out):
    p = subprocess.run([medsec, "docs", device, "-o", out], capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"medsec docs {device}: exit {p.returncode}: {p.stderr[-2000:]}")
    return p.stderr


def load(out):
    files = os.path.join(out, "files")
    with open(os.path.join(files, "mds2.json"), encoding="utf-8") as f:
        js = json.load(f)
    with open(os.path.join(files, "mds2.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return js, rows


def answers_of(js):
    return {q["id"]: q for s in js["sections"] for q in s["questions"]}


def check_outputs(name, out, qs, stderr):
    js, rows = load(out)
    ids = [q[0] for q in qs]
    # JSON: every question once, in form order
    jq = [q for s in js["sections"] for q in s["questions"]]
    if [q["id"] for q in jq] != ids:
        fail(f"{name}: mds2.json questions differ from rules/mds2.tsv")
    codes = []
    for qid in ids:
        c = qid.split("-")[0]
        if c not in codes:
            codes.append(c)
    if [s["code"] for s in js["sections"]] != codes or len(codes) != 23:
        fail(f"{name}: mds2.json sections {[s['code'] for s in js['sections']]}")
    gaps_stderr = set(re.findall(r"^  MDS2 ([A-Z]+-[0-9.]+):", stderr, re.M))
    blank = {q["id"] for q in jq if q["answer"] == ""}
    if set(js["unanswered"]) != blank:
        fail(f"{name}: unanswered {js['unanswered']} is not the blank answers {sorted(blank)}")
    if gaps_stderr != blank:
        fail(f"{name}: gaps reported {sorted(gaps_stderr ^ blank)} differ from the blank answers")
    for q in jq:
        if q["answer"] not in ANSWERS:
            fail(f"{name}: {q['id']} answer {q['answer']!r}")
        if not q["note"]:
            fail(f"{name}: {q['id']} has no note")
    # CSV: header, then one row per question equal to the JSON
    if rows[0] != ["section", "id", "question", "answer", "note"]:
        fail(f"{name}: CSV header {rows[0]}")
    body = rows[1:]
    if [r[1] for r in body] != ids:
        fail(f"{name}: mds2.csv questions differ from rules/mds2.tsv")
    for r, q in zip(body, jq):
        if r != [q["id"].split("-")[0], q["id"], q["question"], q["answer"], q["note"]]:
            fail(f"{name}: CSV row {r[1]} differs from JSON")
    # the workbook
    wb = openpyxl.load_workbook(os.path.join(out, "files", "mds2.xlsx"))
    if wb.sheetnames != ["MDS2"]:
        fail(f"{name}: worksheets {wb.sheetnames}")
    ws = wb["MDS2"]
    cells = [[("" if c is None else str(c)) for c in row] for row in ws.iter_rows(values_only=True)]
    if "HN 1-2019" not in cells[0][0]:
        fail(f"{name}: title cell {cells[0][0]!r}")
    block = {r[0]: r[1] for r in cells[1:6]}
    want = {"Manufacturer": js["manufacturer"], "Device": js["device"], "Model": js["model"],
            "Version": js["version"], "Date": js["date"]}
    if block != want:
        fail(f"{name}: title block {block} != {want}")
    hdr = next(i for i, r in enumerate(cells) if r[0] == "Question ID")
    if cells[hdr][:4] != ["Question ID", "Question", "Answer", "Note / source"]:
        fail(f"{name}: header row {cells[hdr]}")
    if ws.freeze_panes != f"A{hdr + 2}":
        fail(f"{name}: frozen at {ws.freeze_panes}, want A{hdr + 2}")
    got, sections = [], []
    for r in cells[hdr + 1:]:
        if r[0] and r[1] == "" and r[2] == "" and ":" in r[0]:
            sections.append(r[0].split(":")[0])
            continue
        got.append(r[:4])
    if sections != codes:
        fail(f"{name}: workbook section rows {sections}")
    if [g[0] for g in got] != ids:
        fail(f"{name}: workbook questions differ from rules/mds2.tsv")
    for g, q in zip(got, jq):
        if g != [q["id"], q["question"], q["answer"], q["note"]]:
            fail(f"{name}: workbook row {g[0]} differs: {g} vs {q}")
    for col, width in (("B", 40), ("D", 40)):
        if (ws.column_dimensions[col].width or 0) < width:
            fail(f"{name}: column {col} width {ws.column_dimensions[col].width}")
    row = ws.cell(row=hdr + 3, column=2)
    if not row.alignment.wrap_text:
        fail(f"{name}: question cells do not wrap")
    # the Markdown document: every question once
    with open(os.path.join(out, "md", "mds2.md"), encoding="utf-8") as f:
        md = f.read()
    for qid in ids:
        n = len(re.findall(r"^\| " + re.escape(qid) + r" \|", md, re.M))
        if n != 1:
            fail(f"{name}: {qid} appears {n} times in mds2.md")
    return js


def same_files(a, b, name):
    for sub in ("files/mds2.xlsx", "files/mds2.csv", "files/mds2.json", "md/mds2.md"):
        with open(os.path.join(a, sub), "rb") as f1, open(os.path.join(b, sub), "rb") as f2:
            if f1.read() != f2.read():
                fail(f"{name}: {sub} differs between two runs")


def edited(tmp, root, name, edit):
    """A copy of the infusion pump whose device.yaml @edit changes (a dict in, a dict out)."""
    dst = os.path.join(tmp, name)
    shutil.copytree(os.path.join(root, "examples", "infusion-pump"), dst)
    path = os.path.join(dst, "device.yaml")
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    edit(doc)
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    return dst


def run_edit(medsec, tmp, root, qs, name, edit):
    dev = edited(tmp, root, name, edit)
    out = os.path.join(tmp, "out-" + name)
    stderr = run_docs(medsec, dev, out)
    if not os.path.exists(os.path.join(out, "files", "mds2.json")):
        fail(f"{name}: no mds2.json")
        return {}
    return answers_of(check_outputs(name, out, qs, stderr))


def no_auth(doc):
    for c in doc["controls"]:
        c["capabilities"] = [k for k in c.get("capabilities", []) if k != "AUTH"]


def no_radio(doc):
    for i in doc["interfaces"]:
        if i.get("type") in ("wifi", "ble"):
            i["type"] = "ethernet"
            i.pop("channel", None)
    for f in doc["flows"]:
        if f.get("channel") == "wireless":
            f["channel"] = "network"


def misused(doc):
    for c in doc["controls"]:
        caps = [k for k in c.get("capabilities", []) if k != "IGAU"]
        if c["id"] == "c-signed-updates":
            caps += ["IGAU", "EMRG"]
        c["capabilities"] = caps or ["SGUD"]


def no_phi(doc):
    for a in doc["assets"]:
        a["functions"] = [f for f in a.get("functions", []) if f != "phi"] or ["clinical_workflow"]
    for i in doc["items"]:
        if "data" in i:
            i["data"] = [d for d in i["data"] if d != "phi"]
    for f in doc["flows"]:
        if "data" in f:
            f["data"] = [d for d in f["data"] if d != "phi"]


def all_planned(doc):
    for c in doc["controls"]:
        c["status"] = "planned"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    medsec, root = sys.argv[1], sys.argv[2]
    qs = questions(root)
    ids = [q[0] for q in qs]
    if len(ids) != len(set(ids)):
        fail("rules/mds2.tsv lists a question twice")
    with tempfile.TemporaryDirectory() as tmp:
        for ex in ("infusion-pump", "glucose-cloud"):
            a, b = os.path.join(tmp, ex + "-1"), os.path.join(tmp, ex + "-2")
            err = run_docs(medsec, os.path.join(root, "examples", ex), a)
            time.sleep(1.1)  # a workbook that took the clock would differ now
            run_docs(medsec, os.path.join(root, "examples", ex), b)
            js = check_outputs(ex, a, qs, err)
            same_files(a, b, ex)
            if ex == "infusion-pump":
                ans = answers_of(js)
                # the pump's file states these; a gap here is a rule that misses its evidence
                for qid in ("DOC-1", "MPII-1", "AUTH-1", "CONN-1.1", "SBOM-1", "TXCF-2", "CSUP-1"):
                    if ans[qid]["answer"] == "":
                        fail(f"pump: {qid} left blank although the security file answers it")
                with open(os.path.join(root, "examples", ex, "device.yaml"), encoding="utf-8") as f:
                    text = f.read()
                # a field path of the post-market plan must be a key the file gives it
                pm_keys = set((yaml.safe_load(text).get("postmarket") or {}).keys())
                for q in ans.values():
                    for s in q["sources"]:
                        if s.startswith("postmarket."):
                            if s.split(".", 1)[1] not in pm_keys:
                                fail(f"pump: {q['id']} cites {s!r}, which the security file lacks")
                        elif s not in text and not s.startswith(("device.", "versions[")):
                            fail(f"pump: {q['id']} cites {s!r}, which the security file lacks")

        # an older release: its own SBOMs and support, and a warning that the rest is the design
        # of the current version
        old = os.path.join(tmp, "pump-2.8.7")
        p = subprocess.run([medsec, "docs", os.path.join(root, "examples", "infusion-pump"), "-o",
                            old, "--version", "2.8.7"], capture_output=True, text=True)
        if p.returncode != 0:
            fail(f"--version 2.8.7: exit {p.returncode}")
        else:
            ans = answers_of(check_outputs("pump-2.8.7", old, qs, p.stderr))
            if "sbom/2.8.7/main-board.cdx.json" not in ans["SBOM-1"]["sources"]:
                fail(f"pump-2.8.7: SBOM-1 cites {ans['SBOM-1']['sources']}")
            if "2024-12-31" not in ans["RDMP-3"]["note"]:
                fail(f"pump-2.8.7: RDMP-3 does not give the release's end of support")
            for d, want in ((old, True), (os.path.join(tmp, "infusion-pump-1"), False)):
                with open(os.path.join(d, "md", "mds2.md"), encoding="utf-8") as f:
                    if ("describe the current version" in f.read()) != want:
                        fail(f"{d}: the other-release warning is {'missing' if want else 'there'}")

        ans = run_edit(medsec, tmp, root, qs, "no-auth", no_auth)
        for qid, q in ans.items():
            if (qid.startswith("AUTH-") or qid == "SAHD-5.1") and q["answer"] == "Yes":
                fail(f"no-auth: {qid} is Yes without any AUTH control: {q['note']}")
        for qid in ("AUTH-1", "AUTH-2"):
            if ans and ans[qid]["answer"] != "No":
                fail(f"no-auth: {qid} is {ans[qid]['answer']!r}, want No")

        ans = run_edit(medsec, tmp, root, qs, "no-radio", no_radio)
        wireless = ("CONN-1.1", "CONN-1.1.1", "CONN-1.1.2", "CONN-1.1.3", "CONN-1.1.4", "MPII-3.6")
        for qid in wireless:
            if ans and ans[qid]["answer"] not in ("N/A", "No"):
                fail(f"no-radio: {qid} is {ans[qid]['answer']!r} without a wireless interface")
        for qid in wireless[1:]:
            if ans and ans[qid]["answer"] != "N/A":
                fail(f"no-radio: {qid} is {ans[qid]['answer']!r}, want N/A")
        if ans and ans["MPII-3.5"]["answer"] != "Yes":
            fail(f"no-radio: MPII-3.5 is {ans['MPII-3.5']['answer']!r} with phi over Ethernet")

        ans = run_edit(medsec, tmp, root, qs, "misused", misused)
        for qid in ("IGAU-1", "EMRG-1"):
            if ans and (ans[qid]["answer"] != "No" or "c-signed-updates" in ans[qid]["sources"]):
                fail(f"misused: {qid} counts a code claimed against its meaning: {ans[qid]}")

        ans = run_edit(medsec, tmp, root, qs, "no-phi", no_phi)
        if ans and ans["MPII-1"]["answer"] != "No":
            fail(f"no-phi: MPII-1 is {ans['MPII-1']['answer']!r}")
        for qid, q in ans.items():
            if re.match(r"MPII-[23]\.", qid) and q["answer"] != "N/A":
                fail(f"no-phi: {qid} is {q['answer']!r}, want N/A under MPII-2/3 No")
        for qid in ("STCF-1.1", "TXCF-2", "TXCF-1"):
            if ans and ans[qid]["answer"] != "N/A":
                fail(f"no-phi: {qid} is {ans[qid]['answer']!r}, want N/A")

        ans = run_edit(medsec, tmp, root, qs, "planned", all_planned)
        for qid, rule, _ in qs:
            if rule.startswith("cap:") and ans and ans[qid]["answer"] == "Yes":
                fail(f"planned: {qid} is Yes although every control is only planned")

    if failures:
        print(f"check_mds2: {len(failures)} failures")
        return 1
    print("check_mds2: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
