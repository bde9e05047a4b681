"""diff_gem.py: RubyGems versions and requirements: medsec against Gem::Version / Gem::Requirement (Debian ruby)."""
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

driver, vdir, excpath = C.usage_args()
ruby = C.need_tool("ruby")
gemver = subprocess.run([ruby, "-e", "print Gem::VERSION"], stdout=subprocess.PIPE, check=True).stdout.decode()
judge = "RubyGems %s" % gemver
judge_cmd = [ruby, os.path.join(C.JUDGES, "gem_judge.rb")]
T = C.Tally("gem", C.load_exceptions(excpath, "gem"))

allv = set()
for name in ("rubygems-versions.txt", "rubygems-versions-generated.txt"):
    trip = C.read_op_file(os.path.join(vdir, "osv-scalibr", name))
    ours = C.run_driver(driver, [("gem", a, b) for a, _, b in trip])
    theirs = C.run_judge(judge_cmd, ["cmp\t%s\t%s" % (a, b) for a, _, b in trip])
    T.check("%s vs vector" % name, [(a, b, o, C.OP_SIGN[op]) for (a, op, b), o in zip(trip, ours)])
    T.check("%s vs %s" % (name, judge), [(a, b, o, t) for (a, _, b), o, t in zip(trip, ours, theirs)])
    for a, _, b in trip:
        allv.update((a, b))

odd = ["", " ", "1", " 1.0 ", "1.0.a", "1.0-1", "1.a.0", "1..0", "1.0-", "a1", "1.0.0.0.0", "1.A", "1.a",
       "1.0.pre.1", "1-pre-1", "01.2", "1.2.3-beta.4-5", "  1.0  ", "-1"]
cases = [(a, b) for a in odd for b in odd]
ours = C.run_driver(driver, [("gem", a, b) for a, b in cases])
theirs = C.run_judge(judge_cmd, ["cmp\t%s\t%s" % p for p in cases])
T.check("syntax edge cases vs %s" % judge, [(a, b, o, t) for (a, b), o, t in zip(cases, ours, theirs)])

reqs = ["", ">= 0", "= 1.0", "!= 1.0", "> 1.0", "< 1.0", ">= 1.0", "<= 1.0", "~> 1.0", "~> 1.0.3", "~> 1",
        "~> 1.0.a", "~> 2.2.pre", ">= 1.0, < 2.0", "~> 1.4, >= 1.4.3", "1.0", "  ~>  1.2  ", "=1.0", "~>1.2.3.4",
        ">= 1.0.a", "< 2.a", "~> 0.1.0.beta", "> 1.0, <", "=> 1.0", "~> x", "1.0 2.0"]
vers = sorted(v for v in allv if len(v) < 20)[:150] + ["1.0", "1.0.0", "1.0.1", "1.0.3", "1.0.a", "1.1", "1.4.2",
                                                       "1.4.3", "1.5", "1.9", "2.0", "2.0.a", "2.2.pre", "2.3", "0.1.0"]
cases = [(r, v) for r in reqs for v in vers]
ours = C.run_driver(driver, [("gem-req", r, v) for r, v in cases])
theirs = C.run_judge(judge_cmd, ["req\t%s\t%s" % p for p in cases])
T.check("Gem::Requirement#satisfied_by? vs %s" % judge, [(r, v, o, t) for (r, v), o, t in zip(cases, ours, theirs)])
# generated versions and requirements (fixed seed)
rnd = random.Random(5)
TOK = ["1", "0", "00", "2", "10", ".", ".", "-", "a", "b", "pre", "A", "rc", "x1", "Z"]


def gen():
    return rnd.choice(["1", "0", "2", "10"]) + "".join(rnd.choice(TOK) for _ in range(rnd.randrange(0, 6)))


gp = [(gen(), gen()) for _ in range(20000)]
ours = C.run_driver(driver, [("gem", a, b) for a, b in gp])
theirs = C.run_judge(judge_cmd, ["cmp\t%s\t%s" % p for p in gp])
T.check("generated versions vs %s" % judge, [(a, b, o, t) for (a, b), o, t in zip(gp, ours, theirs)])
greqs = [rnd.choice(["~>", ">=", "<", "=", "!=", "> ", "<= ", ""]) + " " + gen() for _ in range(4000)]
cases = [(r, gen()) for r in greqs for _ in range(2)]
ours = C.run_driver(driver, [("gem-req", r, v) for r, v in cases])
theirs = C.run_judge(judge_cmd, ["req\t%s\t%s" % p for p in cases])
T.check("generated requirements vs %s" % judge, [(r, v, o, t) for (r, v), o, t in zip(cases, ours, theirs)])
T.finish()
