"""check_reports.py: `medsec scan` JSON and SARIF reports judged from outside.

- JSON: validated against docs/schema/scan-report.schema.json with python3-jsonschema;
- SARIF: validated against the SARIF 2.1.0 schema that Microsoft's SARIF Multitool ships, and by the
  Multitool's own `validate` command (its rules, not ours). The Multitool comes from the npm registry
  into tests/judges on first use.
Every cross-reference inside the SARIF log is checked too: each result's ruleId names a rule, each
location's line holds the component the result is about.

usage: check_reports.py MEDSEC FIXTURE_DB SOURCE_ROOT
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema

SKIP = 77
MULTITOOL_PKG = "@microsoft/sarif-multitool-linux@5.7.0"


def run_scan(medsec, db, root, *args):
    p = subprocess.run([medsec, "scan", "--db", db, *args], cwd=root, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"medsec scan {' '.join(args)} failed with exit {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def multitool(judges):
    exe = os.path.join(judges, "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
    if not os.path.exists(exe):
        npm = shutil.which("npm")
        if not npm:
            print("SKIP: npm not found (scripts/deps.sh installs it)")
            sys.exit(SKIP)
        # every judge package at once: an install naming one removes the others (tests/judges/npm-packages.txt)
        with open(os.path.join(judges, "npm-packages.txt"), encoding="utf-8") as f:
            pkgs = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        if MULTITOOL_PKG not in pkgs:
            sys.exit(f"{MULTITOOL_PKG} is not listed in tests/judges/npm-packages.txt")
        r = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", judges, *pkgs],
                           capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(exe):
            print("SKIP: could not install the SARIF Multitool (judge): " + (r.stdout + r.stderr)[-300:])
            sys.exit(SKIP)
    os.chmod(exe, 0o755)
    return exe


def check_target(medsec, db, root, exe, target, failures):
    """JSON and SARIF reports of one scan target (an SBOM or a device folder) judged from outside."""
    # 1. JSON report against its schema
    schema = json.load(open(os.path.join(root, "docs", "schema", "scan-report.schema.json")))
    report = run_scan(medsec, db, root, "--json", target)
    errs = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
    for e in errs[:10]:
        failures.append(f"{target}: JSON report: {'/'.join(map(str, e.path))}: {e.message}")
    n_json = sum(len(t["findings"]) for t in report["targets"])
    print(f"{target}: JSON report: {len(report['targets'])} targets, {n_json} findings, {len(errs)} schema errors")
    if n_json == 0:
        failures.append(f"{target}: JSON report has no findings: the fixture should give some")

    # 2. SARIF log against the SARIF 2.1.0 schema and the Multitool's validator
    sarif_schema = json.load(open(os.path.join(os.path.dirname(exe), "sarif-2.1.0.json")))
    log = run_scan(medsec, db, root, "--sarif", target)
    cls = jsonschema.validators.validator_for(sarif_schema)
    errs = list(cls(sarif_schema).iter_errors(log))
    for e in errs[:10]:
        failures.append(f"{target}: SARIF schema: {'/'.join(map(str, e.path))}: {e.message}")
    print(f"{target}: SARIF log: {len(log['runs'][0]['results'])} results, {len(errs)} schema errors "
          f"({cls.__name__})")
    rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    prints = set()
    for res in log["runs"][0]["results"]:
        if res["ruleId"] not in rules:
            failures.append(f"{target}: SARIF result names an unknown rule {res['ruleId']}")
        loc = res["locations"][0]
        lines = open(os.path.join(root, loc["physicalLocation"]["artifactLocation"]["uri"])).read().split("\n")
        line = loc["physicalLocation"]["region"]["startLine"]
        name = loc["logicalLocations"][0]["name"]
        # the component object starts at that line: its name follows within a few lines
        if not any(f'"name": "{name}"' in l for l in lines[line - 1:line + 8]):
            failures.append(f"{target}: SARIF result {res['ruleId']}: line {line} does not hold component {name}")
        fp = res["partialFingerprints"]["medsecFinding/v1"]
        if fp in prints:
            failures.append(f"{target}: SARIF fingerprint {fp} is not unique")
        prints.add(fp)
    if len(log["runs"][0]["results"]) != n_json:
        failures.append(f"{target}: SARIF has {len(log['runs'][0]['results'])} results, JSON {n_json} findings")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "scan.sarif")
        out = os.path.join(tmp, "validation.sarif")
        json.dump(log, open(src, "w"), indent=1)
        env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
        r = subprocess.run([exe, "validate", src, "-o", out], capture_output=True, text=True, env=env)
        text = r.stdout + r.stderr
        errors = [l for l in text.splitlines() if ": error " in l]
        warnings = [l for l in text.splitlines() if ": warning " in l]
        print(f"{target}: SARIF Multitool validate: exit {r.returncode}, {len(errors)} errors, "
              f"{len(warnings)} warnings")
        for l in warnings:
            print("  " + l.split("): ", 1)[-1])
        if r.returncode != 0 or errors:
            failures.append(f"{target}: SARIF Multitool: " + (errors[0] if errors else text[-400:]))


def main():
    medsec, db, root = sys.argv[1:4]
    failures = []
    exe = multitool(os.path.join(root, "tests", "judges"))
    # a bare SBOM, and a device folder whose releases share nothing or an SBOM
    for target in ("tests/scan/data/sbom/device.cdx.json", "tests/scan/data/monitor"):
        check_target(medsec, db, root, exe, target, failures)
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
