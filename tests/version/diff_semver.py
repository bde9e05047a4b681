"""diff_semver.py: the SemVer 2.0 scheme: medsec against the osv-scalibr vectors and node-semver (strict)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

driver, vdir, excpath = C.usage_args()
judge_cmd, judge = C.node_semver_judge()
judge += " (strict)"
T = C.Tally("semver", C.load_exceptions(excpath, "semver"))

cases = [(a, b, C.OP_SIGN[op]) for a, op, b in C.read_op_file(os.path.join(vdir, "osv-scalibr", "semver-versions.txt"))]
fx = os.path.join(vdir, "node-semver")
for row in C.load_json(os.path.join(fx, "comparisons.json")):
    if len(row) == 2:
        cases += [(row[0], row[1], "1"), (row[1], row[0], "-1")]
for row in C.load_json(os.path.join(fx, "equality.json")):
    if len(row) == 2:
        cases.append((row[0], row[1], "0"))
ours = C.run_driver(driver, [("semver", a, b) for a, b, _ in cases])
theirs = C.run_judge(judge_cmd, [json.dumps(["cmp", a, b]) for a, b, _ in cases])
T.check("osv-scalibr + node-semver fixtures vs vector", [(a, b, o, e) for (a, b, e), o in zip(cases, ours)])
T.check("osv-scalibr + node-semver fixtures vs %s" % judge, [(a, b, o, t) for (a, b, _), o, t in zip(cases, ours, theirs)])

# validity of strict SemVer 2.0 strings (semver.org grammar) and of the lenient forms OSV data uses
valid = ["0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta", "1.0.0-alpha", "1.0.0-alpha.beta.1",
         "1.0.0-alpha0.valid", "1.0.0-rc.1+build.1", "2.0.0-rc.1+build.123", "1.2.3-beta", "10.2.3-DEV-SNAPSHOT",
         "1.2.3-SNAPSHOT-123", "2.0.0+build.1848", "1.0.0-0A.is.legal", "v1.2.3", "1.2", "1", "1.2.3.4",
         "01.1.1", "99999999999999999999999.999999999999999999.99999999999999999", " 1.2.3 ",
         "1.2-SNAPSHOT"]  # the last five are medsec's documented leniency (OSV SEMVER data)
invalid = ["", "1.2.3-", "1.2.3+", "+invalid", "-invalid", "-invalid+invalid", "alpha", "alpha.beta.1",
           "1.0.0-alpha_beta", "1.0.0-alpha..", "1.0.0-alpha..1", "1.0.0+0.build.1-rc.10000aaa-kk-0.1.2..",
           "1.2.3.DEV", "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788", ".1.2", "1..2", "v", "1.2.3 4",
           "1.2.3-a b", "1.2.3+a+b"]
ours = C.run_driver(driver, [("valid", "semver", v) for v in valid + invalid])
T.check("validity (SemVer 2.0 grammar + documented leniency)",
        [(v, "valid", o, "1" if v in valid else "0") for v, o in zip(valid + invalid, ours)])
T.finish()
