"""check_reports.py: `medsec gate` JSON, SARIF and JUnit XML reports judged from outside.

- JSON: validated against docs/schema/gate-report.schema.json (python3-jsonschema); its summary
  counts its results.
- SARIF: validated against the SARIF 2.1.0 schema that Microsoft's SARIF Multitool ships and by the
  Multitool's own `validate` command (installed as tests/scan/check_reports.py does); every result's
  ruleId names a rule of the run, and its region's line in device.yaml is where the failing item is
  written; one result per failing item of the JSON report.
- JUnit XML: parsed with xml.etree; the suite's tests, failures and skipped counts match the JSON
  report, there is one test case per rule and release, and each failing one lists its items.

usage: check_reports.py MEDSEC FIXTURE_DB SOURCE_ROOT
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scan"))
from check_reports import multitool  # noqa: E402  (the scan tests' installer of the judge)

ENV = dict(os.environ, MEDSEC_NOW="2026-11-28", NO_COLOR="1")


def run_gate(medsec, root, *args):
    p = subprocess.run([medsec, "gate", *args], cwd=root, capture_output=True, text=True, env=ENV)
    if p.returncode not in (0, 1):
        sys.exit(f"medsec gate {' '.join(args)} failed with exit {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout


def check_sarif(medsec, root, exe, args, report, failures):
    what = " ".join(args)
    code, text = run_gate(medsec, root, "--sarif", *args)
    log = json.loads(text)
    schema = json.load(open(os.path.join(os.path.dirname(exe), "sarif-2.1.0.json")))
    cls = jsonschema.validators.validator_for(schema)
    errs = list(cls(schema).iter_errors(log))
    for e in errs[:10]:
        failures.append(f"{what}: SARIF schema: {'/'.join(map(str, e.path))}: {e.message}")
    run = log["runs"][0]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    items = [(r["rule"], f) for r in report["results"] for f in r["failures"]]
    print(f"{what}: SARIF log: {len(run['results'])} results for {len(items)} failing items, "
          f"{len(errs)} schema errors ({cls.__name__})")
    if len(run["results"]) != len(items):
        failures.append(f"{what}: SARIF has {len(run['results'])} results, JSON {len(items)} failing items")
    if code != (1 if items else 0):
        failures.append(f"{what}: exit {code} with {len(items)} failing items")
    for res, (rule, item) in zip(run["results"], items):
        if res["ruleId"] not in rules or res["ruleId"] != rule:
            failures.append(f"{what}: SARIF result names rule {res['ruleId']}, expected {rule}")
        if res["level"] != "error":
            failures.append(f"{what}: SARIF result level {res['level']}")
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        if not os.path.isfile(os.path.join(root, uri)) or not uri.endswith("device.yaml"):
            failures.append(f"{what}: SARIF location {uri} is not the device.yaml")
            continue
        if item["line"] is None:
            if "region" in loc:
                failures.append(f"{what}: SARIF region for an item without a line")
            continue
        line = open(os.path.join(root, uri), encoding="utf-8").read().split("\n")[loc["region"]["startLine"] - 1]
        # the item is named on its line: a requirement or version by its id, a component by its ref
        words = [w for w in item["item"].replace("(", " ").replace(")", " ").split() if w not in ("in", "version")]
        if not any(w in line for w in words):
            failures.append(f"{what}: SARIF region line {loc['region']['startLine']} ({line.strip()}) "
                            f"does not name {item['item']}")
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "gate.sarif"), os.path.join(tmp, "validation.sarif")
        json.dump(log, open(src, "w"), indent=1)
        env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
        r = subprocess.run([exe, "validate", src, "-o", out], capture_output=True, text=True, env=env)
        outp = r.stdout + r.stderr
        errors = [l for l in outp.splitlines() if ": error " in l]
        print(f"{what}: SARIF Multitool validate: exit {r.returncode}, {len(errors)} errors")
        if r.returncode != 0 or errors:
            failures.append(f"{what}: SARIF Multitool: " + (errors[0] if errors else outp[-400:]))


def junit_text(s):
    """What medsec writes for @s in XML: a control character XML 1.0 cannot hold as the text \\xHH."""
    return "".join(f"\\x{ord(c):02X}" if (ord(c) < 0x20 and c not in "\t\n\r") or c == "\x7f" else c
                   for c in s)


def check_junit(medsec, root, args, report, failures):
    what = " ".join(args)
    _, text = run_gate(medsec, root, "--junit", *args)
    try:
        top = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as e:
        failures.append(f"{what}: JUnit XML does not parse: {e}")
        return
    suites = top.findall("testsuite")
    if top.tag != "testsuites" or len(suites) != 1:
        failures.append(f"{what}: JUnit: expected <testsuites> with one <testsuite>")
        return
    suite = suites[0]
    s = report["summary"]
    cases = suite.findall("testcase")
    nfail = sum(1 for c in cases if c.find("failure") is not None)
    nskip = sum(1 for c in cases if c.find("skipped") is not None)
    print(f"{what}: JUnit: {len(cases)} test cases, {nfail} failed, {nskip} skipped "
          f"(JSON: {s['checks']}, {s['failed']}, {s['skipped']})")
    for el in (top, suite):
        got = (int(el.get("tests")), int(el.get("failures")), int(el.get("skipped")), int(el.get("errors")))
        if got != (s["checks"], s["failed"], s["skipped"], 0):
            failures.append(f"{what}: JUnit <{el.tag}> counts {got}, JSON {s}")
    if (len(cases), nfail, nskip) != (s["checks"], s["failed"], s["skipped"]):
        failures.append(f"{what}: JUnit test cases do not match the JSON report")
    if suite.get("name") != report["policy"]:
        failures.append(f"{what}: JUnit suite {suite.get('name')}, policy {report['policy']}")
    for case, res in zip(cases, report["results"]):
        if case.get("classname") != "medsec.gate." + res["rule"]:
            failures.append(f"{what}: JUnit test case {case.get('classname')} for rule {res['rule']}")
        fail = case.find("failure")
        if res["result"] == "fail":
            lines = [l for l in (fail.text or "").split("\n") if l]
            if len(lines) != len(res["failures"]) or any(
                    not l.startswith(junit_text(f["item"]) + ": ") for l, f in zip(lines, res["failures"])):
                failures.append(f"{what}: JUnit failure of {res['rule']} does not list its items")


def main():
    medsec, db, root = sys.argv[1:4]
    if not os.path.isfile(db):
        print(f"SKIP: no database at {db}")
        return 77
    failures = []
    exe = multitool(os.path.join(root, "tests", "judges"))
    schema = json.load(open(os.path.join(root, "docs", "schema", "gate-report.schema.json")))
    jsonschema.Draft202012Validator.check_schema(schema)
    for args in (["examples/infusion-pump"], ["--db", db, "tests/scan/data/monitor"],
                 ["--db", db, "tests/gate/resolved"], ["examples/glucose-cloud"], ["tests/gate/escapes"],
                 ["--db", db, "--policy", "tests/gate/policies/kev-only.yaml", "tests/scan/data/monitor"]):
        _, text = run_gate(medsec, root, "--json", *args)
        report = json.loads(text)
        errs = list(jsonschema.Draft202012Validator(schema).iter_errors(report))
        print(f"{' '.join(args)}: JSON report: {len(report['results'])} results, {len(errs)} schema errors")
        for e in errs[:10]:
            failures.append(f"{' '.join(args)}: JSON schema: {'/'.join(map(str, e.path))}: {e.message}")
        s = report["summary"]
        if (s["checks"], s["failed"], s["skipped"], report["passed"]) != (
                len(report["results"]), sum(r["result"] == "fail" for r in report["results"]),
                sum(r["result"] == "skip" for r in report["results"]), s["failed"] == 0):
            failures.append(f"{' '.join(args)}: JSON summary does not count the results")
        check_sarif(medsec, root, exe, args, report, failures)
        check_junit(medsec, root, args, report, failures)
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
