"""check_unchecked.py: an SBOM whose ecosystem the database has no data for is never "0 vulnerable, exit 0"
without saying so (docs/scan.md, Coverage).

The Maven-only SBOM of ../shared/data (dropwizard 1.3.15, every component a pkg:maven purl) scanned against
the scan tests' small database, which holds no Maven advisories:
- the table, the JSON report and the SARIF log each say that every Maven component was not checked, and why;
- the JSON report validates against docs/schema/scan-report.schema.json; the SARIF log against the SARIF 2.1.0
  schema when the judge (SARIF Multitool, tests/judges) is installed;
- without --fail-unchecked the exit is 0 (no findings); with it the exit is 1 in every format, and the SARIF
  notification's level is "error" (SARIF 2.1.0 appendix I: results not complete).
Skips (77) when ../shared/data is absent.

usage: check_unchecked.py MEDSEC FIXTURE_DB SOURCE_ROOT SHARED_DATA
"""
import json
import os
import subprocess
import sys

import jsonschema

SKIP = 77


def scan(medsec, db, root, *args):
    p = subprocess.run([medsec, "scan", "--db", db, *args], cwd=root, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main():
    medsec, db, root, shared = sys.argv[1:5]
    sbom = os.path.join(shared, "sbom", "peer-samples", "dropwizard-1.3.15.cdx.json")
    if not os.path.exists(sbom):
        print(f"SKIP: {sbom} is absent (../shared/data)")
        return SKIP
    doc = json.load(open(sbom))
    maven = [c for c in doc["components"] if c.get("purl", "").startswith("pkg:maven/")]
    n = len(maven)
    subject_purl = doc.get("metadata", {}).get("component", {}).get("purl", "")
    if subject_purl.startswith("pkg:maven/"):
        n += 1  # the SBOM's subject carries a Maven purl too: it is scanned like the others
    failures = []

    def check(what, ok, detail=""):
        print(("ok  " if ok else "FAIL") + f" {what}" + (f": {detail}" if detail and not ok else ""))
        if not ok:
            failures.append(what)

    # the table
    rc, out, err = scan(medsec, db, root, sbom)
    check("table: exit 0 without --fail-unchecked (no findings)", rc == 0, f"exit {rc}: {err[-300:]}")
    want = f"0 of {n} components checked"
    check("table: says no component was checked", want in out, out[-600:])
    want = f"{n} not checked: maven {n} (no advisory data for the ecosystem in this database)"
    check("table: names the ecosystem, the count and the reason", want in out, out[-600:])
    rc, out, err = scan(medsec, db, root, "--fail-unchecked", sbom)
    check("table: exit 1 with --fail-unchecked", rc == 1, f"exit {rc}")
    check("table: --fail-unchecked says why on standard error",
          f"medsec scan: {n} components not checked (--fail-unchecked)" in err, err[-300:])

    # JSON
    schema = json.load(open(os.path.join(root, "docs", "schema", "scan-report.schema.json")))
    for opt, code in (([], 0), (["--fail-unchecked"], 1)):
        rc, out, err = scan(medsec, db, root, "--json", *opt, sbom)
        check(f"json {opt}: exit {code}", rc == code, f"exit {rc}")
        rep = json.loads(out)
        errs = list(jsonschema.Draft202012Validator(schema).iter_errors(rep))
        check(f"json {opt}: valid against scan-report.schema.json", not errs, errs[0].message if errs else "")
        cov = rep["targets"][0]["coverage"]
        check(f"json {opt}: coverage counts", cov["checked"] == 0 and cov["unchecked"] == n and
              cov["unchecked_by_reason"]["no_advisory_data"] == n, json.dumps(cov)[:400])
        check(f"json {opt}: the maven ecosystem has no data and nothing checked",
              cov["ecosystems"] == [{"ecosystem": "maven", "known_purl_type": True, "database_entries": 0,
                                     "components": n, "checked_by_purl": 0, "checked_otherwise": 0,
                                     "unchecked": n}], json.dumps(cov["ecosystems"])[:400])
        names = sorted((c["name"], c["reason"]) for c in cov["unchecked_components"])
        check(f"json {opt}: every Maven component listed with its reason",
              len(names) == n and all(r == "no_advisory_data" for _, r in names))
        check(f"json {opt}: summary", rep["summary"]["unchecked_components"] == n and
              rep["summary"]["findings"] == 0)

    # SARIF
    exe_dir = os.path.join(root, "tests", "judges", "node_modules", "@microsoft", "sarif-multitool-linux")
    sarif_schema_path = os.path.join(exe_dir, "sarif-2.1.0.json")
    for opt, code, level in (([], 0, "warning"), (["--fail-unchecked"], 1, "error")):
        rc, out, err = scan(medsec, db, root, "--sarif", *opt, sbom)
        check(f"sarif {opt}: exit {code}", rc == code, f"exit {rc}")
        log = json.loads(out)
        run = log["runs"][0]
        notes = run["invocations"][0]["toolExecutionNotifications"]
        check(f"sarif {opt}: one coverage notification of level {level}",
              len(notes) == 1 and notes[0]["level"] == level and notes[0]["descriptor"]["id"] == "MEDSEC-COVERAGE",
              json.dumps(notes)[:300])
        check(f"sarif {opt}: its message names maven and the reason",
              f"maven {n} (no advisory data for the ecosystem in this database)" in notes[0]["message"]["text"])
        check(f"sarif {opt}: the notification's descriptor is declared",
              any(d["id"] == "MEDSEC-COVERAGE" for d in run["tool"]["driver"].get("notifications", [])))
        if os.path.exists(sarif_schema_path):
            sschema = json.load(open(sarif_schema_path))
            cls = jsonschema.validators.validator_for(sschema)
            errs = list(cls(sschema).iter_errors(log))
            check(f"sarif {opt}: valid against the SARIF 2.1.0 schema", not errs, errs[0].message if errs else "")
        else:
            print("note: SARIF schema not installed (tests/judges); scan_reports_valid validates SARIF logs")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
