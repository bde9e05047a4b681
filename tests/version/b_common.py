"""b_common.py: shared helpers for the scheme-B differential tests (diff_debian/rpm/alpine/composer.py).

Runs vcmp_driver_b over many pairs in one process, reads vector files, and checks results against a judge,
allowing only the disagreements listed in exceptions.tsv (scheme, a, b, reason).
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a_common import load_exceptions  # noqa: E402,F401  (one reader of exceptions.tsv for both sets)

SKIP = 77


def usage_args():
    """(driver, shared_data, exceptions_path) from argv; exit 77 when the shared data is absent."""
    if len(sys.argv) != 4:
        sys.stderr.write("usage: %s DRIVER SHARED_DATA EXCEPTIONS_TSV\n" % sys.argv[0])
        sys.exit(2)
    driver, data, exc = sys.argv[1:4]
    vdir = os.path.join(data, "vectors", "versions")
    if not os.path.isdir(vdir):
        print("SKIP: %s not found (the shared test data is not checked out)" % vdir)
        sys.exit(SKIP)
    return driver, vdir, exc


def run_driver(driver, lines):
    """Feed "scheme\\ta[\\tb]" lines to the driver; returns its answers ("-1", "0", "1", "valid", "invalid")."""
    for ln in lines:
        if "\n" in ln:
            raise ValueError("newline in a driver line: %r" % ln)
    inp = "".join(ln + "\n" for ln in lines)
    out = subprocess.run([driver], input=inp.encode("utf-8", "surrogateescape"), stdout=subprocess.PIPE,
                         check=True).stdout.decode("utf-8", "surrogateescape").split("\n")
    if out and out[-1] == "":
        out.pop()
    if len(out) != len(lines):
        raise RuntimeError("driver answered %d of %d lines" % (len(out), len(lines)))
    return out


def read_op_file(path):
    """Pairs from an "A OP B" file (osv-scalibr format); comments (#, //) and blank lines skipped."""
    pairs = []
    with open(path, encoding="utf-8") as f:
        for ln in f:
            ln = ln.strip()
            if not ln or ln.startswith("#") or ln.startswith("//"):
                continue
            a, op, b = ln.split(" ")
            pairs.append((a, b, {"<": -1, "=": 0, ">": 1}[op]))
    return pairs


class Tally:
    """Agreement counts per label; disagreements are failures unless listed as exceptions."""

    def __init__(self, exceptions):
        self.exceptions = exceptions
        self.used = set()
        self.failures = []
        self.rows = []

    def check(self, label, judge, items):
        """items: (a, b, ours, theirs). Prints one agreement line for @label."""
        agree = excused = 0
        for a, b, ours, theirs in items:
            if ours == theirs:
                agree += 1
            elif (a, b) in self.exceptions:
                excused += 1
                self.used.add((a, b))
            else:
                self.failures.append("%s: %s vs %s: ours %s, %s %s" % (label, a, b, ours, judge, theirs))
        n = len(items)
        line = "%s: %d/%d agree with %s" % (label, agree, n, judge)
        if excused:
            line += " (%d listed exceptions)" % excused
        print(line)
        self.rows.append((label, agree, n))

    def finish(self):
        for f in self.failures[:50]:
            print("DISAGREE " + f)
        if len(self.failures) > 50:
            print("... %d more" % (len(self.failures) - 50))
        unused = set(self.exceptions) - self.used
        for a, b in sorted(unused):
            print("note: exception not needed any more: %s %s" % (a, b))
        return 1 if self.failures else 0
