"""diff_maven.py: Maven ComparableVersion ordering and version ranges: medsec against maven-artifact (Debian maven)."""
import glob
import itertools
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

driver, vdir, excpath = C.usage_args()
java = C.need_tool("java")
jars = sorted(glob.glob("/usr/share/maven/lib/maven-artifact-*.jar"))
if not jars:
    C.skip("maven-artifact jar not found under /usr/share/maven/lib (Debian package maven)")
cp = jars + sorted(glob.glob("/usr/share/maven/lib/commons-lang3*.jar"))
judge_cmd = [java, "-cp", ":".join(cp), os.path.join(C.JUDGES, "MavenJudge.java")]
T = C.Tally("maven", C.load_exceptions(excpath, "maven"))
judge = "maven-artifact ComparableVersion (%s)" % os.path.basename(jars[0])

sources = []
for name in ("maven-versions.txt", "maven-versions-generated.txt"):
    trip = C.read_op_file(os.path.join(vdir, "osv-scalibr", name))
    sources.append((name, [(a, b, C.OP_SIGN[op]) for a, op, b in trip]))
cv = C.load_json(os.path.join(vdir, "maven", "maven_comparable_version_cases.json"))
derived = []
for key in ("VERSIONS_QUALIFIER_ascending", "VERSIONS_NUMBER_ascending"):
    lst = cv[key]
    derived += [(lst[i], lst[j], "-1") for i, j in itertools.combinations(range(len(lst)), 2)]
for key in ("equal_pairs", "same_order_pairs"):
    derived += [(a, b, "0") for a, b in cv[key]]
derived += [(a, b, "-1") for a, b in cv["ordered_pairs_lt"]]
derived += [(b, a, str(-int(e))) for a, b, e in derived]  # both ways
sources.append(("ComparableVersionTest", derived))

for name, cases in sources:
    ours = C.run_driver(driver, [("maven", a, b) for a, b, _ in cases])
    theirs = C.run_judge(judge_cmd, ["%s\t%s" % (a, b) for a, b, _ in cases])
    T.check("%s vs vector" % name, [(a, b, o, e) for (a, b, e), o in zip(cases, ours)])
    T.check("%s vs %s" % (name, judge), [(a, b, o, t) for (a, b, _), o, t in zip(cases, ours, theirs)])

# generated versions (fixed seed): qualifiers, aliases, case, separators, digit/letter switches, long numbers
rnd = random.Random(11)
TOK = ["1", "0", "00", "2", "10", ".", "-", "-", "a", "b", "m", "alpha", "beta", "milestone", "rc", "cr", "snapshot",
       "ga", "final", "release", "sp", "x", "foo", "RC", "SP", "_", "A1", "012345678901234567890"]


def gen():
    return "".join(rnd.choice(TOK) for _ in range(rnd.randrange(1, 7)))


gp = [(gen(), gen()) for _ in range(20000)]
ours = C.run_driver(driver, [("maven", a, b) for a, b in gp])
theirs = C.run_judge(judge_cmd, ["%s\t%s" % p for p in gp])
T.check("generated versions vs %s" % judge, [(a, b, o, t) for (a, b), o, t in zip(gp, ours, theirs)])

# version ranges (VersionRange.createFromVersionSpec + containsVersion)
ranges = ["1.0", "[1.0]", "[1.0,2.0)", "[1.0,2.0]", "(1.0,2.0)", "(,1.0]", "(,1.0)", "[1.0,)", "(1.0,)",
          "(,1.0],[1.2,)", "(,1.1),(1.1,)", "[1.0,1.5),[2.0,3.0)", "[ 1.0 , 2.0 )", "[1.0-alpha,1.0]",
          "[1.0-SNAPSHOT,1.0]", "(1.0)", "[1.0)", "[2.0,1.0]", "[1.0,2.0,3.0]", "[1.0,2.0", "1.0,2.0",
          "[1.0,2.0),x", "[1.5,2.0),[1.0,1.6)", "", "(,)", "[,1.0]"]
versions = ["0.9", "1", "1.0", "1.0.0", "1.0-alpha", "1.0-SNAPSHOT", "1.0.1", "1.1", "1.2", "1.5", "1.9",
            "2.0-SNAPSHOT", "2.0", "2.0.1", "2.5", "3.0", "1.0-sp1", "1.0.RELEASE", "10"]
cases = [(r, v) for r in ranges for v in versions]
ours = C.run_driver(driver, [("maven-range", r, v) for r, v in cases])
theirs = C.run_judge(judge_cmd, ["range\t%s\t%s" % (r, v) for r, v in cases])
T.check("VersionRange.containsVersion vs %s" % judge, [(r, v, o, t) for (r, v), o, t in zip(cases, ours, theirs)])
T.finish()
