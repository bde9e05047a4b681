"""check_diff_reports.py: `medsec diff --json` reports judged by docs/schema/diff-report.schema.json.

Validates (python3-jsonschema, Draft 2020-12):
- every JSON golden of `medsec diff` (tests/cli/cases/diff-*, tests/scan/cases/diff-*, and on the shared data
  tests/scan/examples/diff-*), so the goldens the
  golden tests compare byte for byte are valid reports;
- a live report for every ordered pair of releases (A = B included) of the example devices and the scan
  tests' monitor, without a database and with the scan tests' database, and for every release with two
  dates of that database (fixture.sqlite and fixture-later.sqlite, either way round, and one with itself);
and checks that each report's counts agree with its lists of changes.

usage: check_diff_reports.py MEDSEC FIXTURE_DB SOURCE_ROOT
"""
import glob
import json
import os
import re
import subprocess
import sys

SKIP = 77
try:
    import jsonschema
except ImportError:  # Debian's python3-jsonschema is required; see scripts/deps.sh
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(SKIP)

DEVICES = ["examples/infusion-pump", "examples/glucose-cloud", "tests/scan/data/monitor"]


def versions(root, device):
    with open(os.path.join(root, device, "device.yaml"), encoding="utf-8") as f:
        return re.findall(r"^  - version: *(\S+)", f.read(), re.M)


def check_counts(where, report, failures):
    """Counts of each list agree with its entries; totals of findings and risks with their lists."""
    def tally(changes):
        out = {}
        for c in changes:
            out[c["change"]] = out.get(c["change"], 0) + 1
        return out

    for s in report["sboms"]:
        t = tally(s["components"]["changes"])
        for k in ("added", "removed", "updated"):
            if s["components"][k] != t.get(k, 0):
                failures.append(f"{where}: SBOM {s['a']} -> {s['b']}: {k} {s['components'][k]} but {t.get(k, 0)} listed")
    sections = [("risks", ("new", "gone", "changed"))]
    if report["with_db"]:
        sections.append(("findings", ("new", "fixed", "changed")))
    if "decisions" in report:
        sections.append(("decisions", ("became_stale", "current_again", "no_longer_applies", "applies_now")))
        for c in report["decisions"]["changes"]:
            a, b = c["a"]["fingerprint"], c["b"]["fingerprint"]
            ok = {"became_stale": a is not None and b is not None and a != b,
                  "current_again": a is not None and b is not None and a != b,
                  "no_longer_applies": a is not None and b is None,
                  "applies_now": a is None and b is not None}[c["change"]]
            if not ok:
                failures.append(f"{where}: decision {c['vulnerability']} {c['component']}: {c['change']} with "
                                f"fingerprints {a} -> {b}")
    for name, kinds in sections:
        t = tally(report[name]["changes"])
        for k in kinds:
            if report[name][k] != t.get(k, 0) or report["summary"][name][k] != report[name][k]:
                failures.append(f"{where}: {name}: {k} {report[name][k]} but {t.get(k, 0)} listed")
    if report["a"]["version"] == report["b"]["version"] and "databases" not in report:
        s = report["summary"]
        moved = sum(s[n][k] for n in s for k in s[n] if k != "unchanged")
        if moved:
            failures.append(f"{where}: a release compared with itself shows {moved} changes")


def main():
    medsec, db, root = sys.argv[1:4]
    schema = json.load(open(os.path.join(root, "docs", "schema", "diff-report.schema.json"), encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = []
    checked = 0

    def judge(where, text):
        nonlocal checked
        try:
            report = json.loads(text)
        except ValueError as e:
            failures.append(f"{where}: not JSON: {e}")
            return
        for e in sorted(validator.iter_errors(report), key=lambda e: list(e.path))[:10]:
            failures.append(f"{where}: {'/'.join(map(str, e.path))}: {e.message}")
        check_counts(where, report, failures)
        checked += 1

    goldens = glob.glob(os.path.join(root, "tests", "*", "cases", "diff-*"))
    goldens += glob.glob(os.path.join(root, "tests", "scan", "examples", "diff-*"))
    for case in sorted(goldens):
        args = open(os.path.join(case, "args"), encoding="utf-8").read()
        if "--json" in args:
            judge(os.path.relpath(case, root), open(os.path.join(case, "stdout"), encoding="utf-8").read())

    env = dict(os.environ, MEDSEC_NOW="2026-11-28", NO_COLOR="1")
    for device in DEVICES:
        vs = versions(root, device)
        for a in vs:
            for b in vs:
                for extra in ([], ["--db", db]):
                    cmd = [medsec, "diff", "--json", *extra, device, a, b]
                    p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
                    where = " ".join(cmd[1:])
                    if p.returncode != 0:
                        failures.append(f"{where}: exit {p.returncode}: {p.stderr.strip()}")
                        continue
                    judge(where, p.stdout)

    # two dates of the database on one release: the fixture, and the fixture a day later (KEV, EPSS)
    later = db[: -len(".sqlite")] + "-later.sqlite"
    for device in DEVICES:
        for v in [None] + versions(root, device):
            for pair in ((db, later), (later, db), (db, db)):
                cmd = [medsec, "diff", "--json", "--db", pair[0], "--db", pair[1], device] + ([v] if v else [])
                p = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
                where = " ".join(cmd[1:])
                if p.returncode != 0:
                    failures.append(f"{where}: exit {p.returncode}: {p.stderr.strip()}")
                    continue
                judge(where, p.stdout)
                report = json.loads(p.stdout)
                if pair[0] == pair[1] and (report["findings"]["changes"] or report["risks"]["changes"]):
                    failures.append(f"{where}: a database compared with itself shows changes")

    for f in failures:
        print(f)
    print(f"{checked} diff reports checked, {len(failures)} problems")
    sys.exit(1 if failures else 0)


main()
