#!/usr/bin/python3
# metrics_test.py: the FDA set's cybersecurity metrics and unresolved anomalies against what
# `medsec triage --json` reports for the same device, database and day; and the findings gap of
# both families present without a database and absent with one.
# usage: metrics_test.py MEDSEC DB SOURCE_ROOT
import json, os, subprocess, sys, tempfile

medsec, db, root = sys.argv[1:4]
if not os.path.exists(db):
    print("metrics_test: no database %s" % db)
    sys.exit(77)
DAY = "2026-11-28"
EPOCH = "1795824000"  # 2026-11-28T00:00:00Z
env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, MEDSEC_NOW=DAY + "T00:00:00Z", NO_COLOR="1")
fails = []


def run(args):
    p = subprocess.run([medsec] + args, cwd=root, env=env, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("metrics_test: %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def table_after(doc, anchor):
    blocks = doc["blocks"]
    i = next(k for k, b in enumerate(blocks) if b["kind"] == "heading" and b.get("anchor") == anchor)
    return next(b for b in blocks[i + 1:] if b["kind"] == "table")


for ex in ("examples/infusion-pump", "examples/glucose-cloud"):
    tri = json.loads(run(["triage", ex, "--db", db, "--all", "--json"]))
    with tempfile.TemporaryDirectory() as out:
        docs = json.loads(run(["docs", ex, "-o", out, "--db", db, "--json"]))
        bare = json.loads(run(["docs", ex, "-o", out, "--json"]))
    assert docs["control"]["date"] == DAY, docs["control"]
    s, m = tri["summary"], docs["data"]["fda_metrics"]
    for k in ("findings", "untriaged", "stale", "past_due"):
        if s[k] != m[k]:
            fails.append("%s: %s: triage says %d, the FDA metrics %d" % (ex, k, s[k], m[k]))
    if m["triaged"] != s["findings"] - s["untriaged"] - s["stale"]:
        fails.append("%s: triaged %d is not findings - untriaged - stale" % (ex, m["triaged"]))
    byid = {d["id"]: d for d in docs["documents"]}
    # the metrics table shows the same numbers
    rows = {r[0]: r[1] for r in table_after(byid["fda-security-risk-management-report"], "fda-metrics")["rows"]}
    if not rows["Findings (known vulnerabilities matched to a release's components)"] == str(s["findings"]):
        fails.append("%s: metrics table findings %r" % (ex, rows))
    # unresolved anomalies: every finding of the release that is open or still affects the device
    rel = docs["control"]["version"]
    want = sorted((f["vulnerability"], f["component"]) for f in tri["findings"]
                  if f["release"] == rel and (f["status"] in ("untriaged", "stale")
                                              or f["state"] in ("exploitable", "in_triage")))
    got = table_after(byid["fda-unresolved-anomalies"], "findings")["rows"]
    if len(got) != len(want) or sorted(r[0] for r in got) != sorted(v for v, _ in want):
        fails.append("%s: %d unresolved anomalies shown, triage has %d" % (ex, len(got), len(want)))
    # the findings gap: there without a database, gone with one
    for d, n in ((docs, 0), (bare, 1)):
        for area, doc in (("EU", "eu-technical-documentation"), ("FDA", "fda-unresolved-anomalies")):
            k = sum(1 for g in d["gaps"] if g["area"] == area and g["item"] == "findings" and g["document"] == doc)
            if k != n:
                fails.append("%s: %d findings gaps in %s (%s database)" % (ex, k, doc, "with" if n == 0 else "without"))
    print("metrics_test: %s: %d findings, %d triaged, %d unresolved anomalies of %s" %
          (ex, m["findings"], m["triaged"], len(got), rel))

for f in fails:
    print("FAIL " + f)
sys.exit(1 if fails else 0)
