"""common.py: shared helpers of the differential tests of the version schemes and ranges (diff_*.py).

Feeds many cases to version_cmp_driver and to a judge (the ecosystem's own implementation) in one process
each, compares both with each other and with the vector files' own expectations, prints per-source
agreement counts, and fails on any disagreement that exceptions.tsv does not list with a reason.
"""
import json
import os
import shutil
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
JUDGES = os.path.join(os.path.dirname(HERE), "judges")


def usage_args():
    """(driver, vectors_dir, exceptions_path) from argv; exit 77 when the shared data is absent."""
    if len(sys.argv) != 4:
        sys.stderr.write("usage: %s DRIVER SHARED_DATA EXCEPTIONS_TSV\n" % sys.argv[0])
        sys.exit(2)
    driver, data, exc = sys.argv[1:4]
    vdir = os.path.join(data, "vectors", "versions")
    if not os.path.isdir(vdir):
        print("SKIP: %s not found (the shared test data is not checked out)" % vdir)
        sys.exit(SKIP)
    return driver, vdir, exc


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def node_semver_judge():
    """(command, name) of the node-semver judge, tests/judges/npm_judge.js, with the `semver` npm package it
    loads installed into tests/judges on first use. (ctest runs the tests that use it under one RESOURCE_LOCK,
    so two never install at once.)"""
    node = need_tool("node")
    pkg = os.path.join(JUDGES, "node_modules", "semver", "package.json")
    if not os.path.exists(pkg):
        npm = need_tool("npm")
        res = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", JUDGES,
                              *npm_judge_packages()], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if res.returncode != 0 or not os.path.exists(pkg):
            skip("could not install the semver npm package (judge): %s" % res.stdout.decode(errors="replace")[-300:])
    return [node, os.path.join(JUDGES, "npm_judge.js")], "node-semver %s" % load_json(pkg)["version"]


def npm_judge_packages():
    """The npm packages of tests/judges/npm-packages.txt, installed all at once."""
    with open(os.path.join(JUDGES, "npm-packages.txt"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def need_tool(name):
    path = shutil.which(name)
    if not path:
        skip("judge tool '%s' not found (install it with scripts/deps.sh)" % name)
    return path


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def run_driver(driver, rows):
    """rows: tuples of fields (see version_cmp_driver.c for the commands); returns one answer string per row."""
    inp = "".join("\t".join(esc(str(f)) for f in r) + "\n" for r in rows)
    out = subprocess.run([driver], input=inp.encode("utf-8", "surrogateescape"), stdout=subprocess.PIPE,
                         check=True).stdout.decode("utf-8", "surrogateescape").split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(rows):
        raise RuntimeError("driver answered %d of %d lines" % (len(out), len(rows)))
    return out


def run_judge(cmd, lines, env=None):
    """Run a judge over @lines (strings without newlines); one answer per line."""
    inp = "".join(ln + "\n" for ln in lines)
    res = subprocess.run(cmd, input=inp.encode("utf-8", "surrogateescape"), stdout=subprocess.PIPE,
                         env=env, check=True)
    out = res.stdout.decode("utf-8", "surrogateescape").split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(lines):
        raise RuntimeError("judge %s answered %d of %d lines" % (cmd[0], len(out), len(lines)))
    return out


def load_exceptions(path, scheme):
    """{(a, b): reason} for @scheme from exceptions.tsv (scheme<TAB>a<TAB>b<TAB>reason); {} without the file."""
    exc = {}
    if not os.path.exists(path):
        return exc
    with open(path, encoding="utf-8") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if not ln or ln.startswith("#"):
                continue
            parts = ln.split("\t")
            if len(parts) < 4 or not parts[3].strip():
                raise ValueError("exceptions.tsv: need scheme, a, b and a reason: %r" % ln)
            if parts[0] == scheme:
                exc[(parts[1], parts[2])] = parts[3]
    return exc


def read_op_file(path):
    """(a, op, b) triples from an osv-scalibr "A OP B" file; '#', '//' and blank lines are comments."""
    out = []
    with open(path, encoding="utf-8") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if not ln.strip() or ln.startswith("#") or ln.startswith("//"):
                continue
            parts = ln.split(" ")
            for i, p in enumerate(parts):
                if p in ("<", ">", "=") and 0 < i < len(parts) - 1:
                    out.append((" ".join(parts[:i]), p, " ".join(parts[i + 1:])))
                    break
            else:
                raise ValueError("%s: cannot parse %r" % (path, ln))
    return out


OP_SIGN = {"<": "-1", "=": "0", ">": "1"}


def read_sign_tsv(path):
    """(a, b, expected) from an "a<TAB>b<TAB>sign" file (dpkg, rpmvercmp vectors), the sign as "-1", "0" or "1";
    '#' and blank lines are comments."""
    out = []
    with open(path, encoding="utf-8") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if ln and not ln.startswith("#"):
                a, b, e = ln.split("\t")
                out.append((a, b, str(int(e))))
    return out


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Tally:
    """Counts agreement per source and collects disagreements not listed in exceptions.tsv."""

    def __init__(self, scheme, exceptions):
        self.scheme = scheme
        self.exc = exceptions
        self.used = set()
        self.failures = []
        self.lines = []

    def check(self, source, cases):
        """cases: (a, b, ours, other) tuples; a disagreement is ours != other. @source names the cases and
        what they are checked against ("... vs <judge>")."""
        agree = excepted = 0
        for a, b, ours, other in cases:
            if ours == other:
                agree += 1
            elif (a, b) in self.exc:
                excepted += 1
                self.used.add((a, b))
            else:
                self.failures.append("%s: %s | %s: medsec %s, %s" % (source, a, b, ours, other))
        msg = "%s: %s: %d/%d agree" % (self.scheme, source, agree, len(cases))
        if excepted:
            msg += " (%d listed exceptions)" % excepted
        self.lines.append(msg)
        print(msg)

    def finish(self):
        limit = len(self.failures) if os.environ.get("MEDSEC_SHOW_ALL") else 50
        for f in self.failures[:limit]:
            print("DISAGREE " + f)
        if len(self.failures) > limit:
            print("... %d more" % (len(self.failures) - limit))
        unused = [k for k in self.exc if k not in self.used]
        for k in unused:
            print("note: exception not needed any more: %s %s | %s" % (self.scheme, k[0], k[1]))
        if self.failures:
            print("FAIL: %d disagreements not in exceptions.tsv" % len(self.failures))
            sys.exit(1)
        print("%s: OK" % self.scheme)
        sys.exit(0)
