"""diff_npm.py: node-semver versions and ranges: medsec against the `semver` npm package and its own fixtures."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

driver, vdir, excpath = C.usage_args()
judge_cmd, judge = C.node_semver_judge()
T = C.Tally("npm", C.load_exceptions(excpath, "npm"))
fx = os.path.join(vdir, "node-semver")


def flags(opt):
    """Fixture options (absent, true = loose, or an object) as driver flags."""
    if opt is True:
        return 1
    if isinstance(opt, dict):
        return (1 if opt.get("loose") else 0) | (2 if opt.get("includePrerelease") else 0)
    return 0


def both(name, rows, expected, as_fixture=lambda o: o):
    """rows: (driver-row, judge-json, key_a, key_b); expected: list of vector answers or None;
    @as_fixture maps our answer to the form the fixture records."""
    ours = C.run_driver(driver, [r[0] for r in rows])
    theirs = C.run_judge(judge_cmd, [json.dumps(r[1]) for r in rows])
    if expected is not None:
        T.check("%s vs fixture" % name, [(r[2], r[3], as_fixture(o), e) for r, o, e in zip(rows, ours, expected)])
    T.check("%s vs %s" % (name, judge), [(r[2], r[3], o, t) for r, o, t in zip(rows, ours, theirs)])


def fl(opt):
    return str(flags(opt))


# versions: comparisons (v1 > v2), equality, valid / invalid
cmp_rows = []
exp = []
for row in C.load_json(os.path.join(fx, "comparisons.json")):
    a, b, opt = row[0], row[1], row[2] if len(row) > 2 else None
    cmp_rows += [(("npm-cmp", a, b, fl(opt)), ["cmpf", a, b, flags(opt)], a, b),
                 (("npm-cmp", b, a, fl(opt)), ["cmpf", b, a, flags(opt)], b, a)]
    exp += ["1", "-1"]
for row in C.load_json(os.path.join(fx, "equality.json")):
    a, b, opt = row[0], row[1], row[2] if len(row) > 2 else None
    cmp_rows += [(("npm-cmp", a, b, fl(opt)), ["cmpf", a, b, flags(opt)], a, b)]
    exp += ["0"]
both("comparisons+equality", cmp_rows, exp)

val_rows, exp = [], []
for row in C.load_json(os.path.join(fx, "valid-versions.json")):
    val_rows.append((("npm-valid", row[0], "0"), ["valid", row[0], 0], row[0], "valid"))
    exp.append("1")
for row in C.load_json(os.path.join(fx, "invalid-versions.json")):
    v, opt = row[0], row[2] if len(row) > 2 else None
    if not isinstance(v, str):
        continue
    val_rows.append((("npm-valid", v, fl(opt)), ["valid", v, flags(opt)], v, "invalid"))
    exp.append("0")
both("valid/invalid-versions", val_rows, exp)

# the scheme itself (strict) over the osv-scalibr SemVer pairs
trip = C.read_op_file(os.path.join(vdir, "osv-scalibr", "semver-versions.txt"))
both("osv-scalibr semver-versions.txt (npm scheme)",
     [(("npm", a, b), ["cmp", a, b], a, b) for a, _, b in trip], None)

# ranges
for name, want in (("range-include.json", "1"), ("range-exclude.json", "0")):
    rows = []
    for row in C.load_json(os.path.join(fx, name)):
        r, v, opt = row[0], row[1], row[2] if len(row) > 2 else None
        rows.append((("npm-range", r, v, fl(opt)), ["range", r, v, flags(opt)], r, "%s %s" % (v, fl(opt))))
    both(name, rows, [want] * len(rows))
rows, exp = [], []
for row in C.load_json(os.path.join(fx, "range-parse.json")):
    r, canon, opt = row[0], row[1], row[2] if len(row) > 2 else None
    rows.append((("npm-format", r, fl(opt)), ["format", r, flags(opt)], r, "format " + fl(opt)))
    exp.append("invalid" if canon is None else "=" + canon)
# the fixture holds semver.validRange(), which is `new Range().range || "*"`
both("range-parse.json", rows, exp, lambda o: "=*" if o == "=" else o)
# cross product: every fixture range against every fixture version, all four option sets
ranges, versions = set(), set()
for name in ("range-include.json", "range-exclude.json", "range-parse.json"):
    for row in C.load_json(os.path.join(fx, name)):
        ranges.add(row[0])
        if name != "range-parse.json" and isinstance(row[1], str):
            versions.add(row[1])
rows = [(("npm-range", r, v, str(f)), ["range", r, v, f], r, "%s %d" % (v, f))
        for r in sorted(ranges) for v in sorted(versions) for f in range(4)]
both("fixture ranges x versions x options", rows, None)
# generated ranges (fixed seed): odd spellings, blanks after operators, x-ranges in every position,
# hyphens, prefixes, build metadata, loose leading zeros; satisfies() for three versions and the canonical form
rnd = random.Random(4)
PARTS = ["1", "2", "0", "01", "x", "X", "*", "3", "10"]
OPS = ["", "", ">", ">=", "<", "<=", "=", "~", "~>", "^", "> ", ">= ", "~ ", "^ "]


def gen_version():
    n = rnd.choice([1, 2, 3, 3, 3])
    v = ".".join(rnd.choice(PARTS) for _ in range(n))
    if n == 3 and rnd.random() < 0.3:
        v += "-" + rnd.choice(["beta", "0", "rc.1", "a.01", "-"])
    if rnd.random() < 0.1:
        v += "+" + rnd.choice(["b", "x.y"])
    if rnd.random() < 0.1:
        v = rnd.choice(["v", "=", "v=", " v"]) + v
    return v


def gen_range():
    alts = []
    for _ in range(rnd.choice([1, 1, 2, 3])):
        if rnd.random() < 0.2:
            alts.append(gen_version() + " - " + gen_version())
        else:
            alts.append(" ".join(rnd.choice(OPS) + gen_version() for _ in range(rnd.choice([1, 2, 3]))))
    return rnd.choice([" || ", "||", " ||"]).join(alts)


TRY = ["1.2.3", "2.0.0", "0.0.1", "1.0.0-beta", "1.2.3-rc.1", "2.1.0-0", "10.1.1", "0.1.0", "3.0.0", "1.3.0-0",
       "01.2.3", "1.2.3beta"]
rows = []
for _ in range(20000):
    r, f = gen_range(), rnd.randrange(4)
    rows += [(("npm-range", r, v, str(f)), ["range", r, v, f], r, "%s %d" % (v, f)) for v in rnd.sample(TRY, 3)]
    rows.append((("npm-format", r, str(f)), ["format", r, f], r, "format %d" % f))
both("generated ranges (satisfies + canonical form)", rows, None)
T.finish()
