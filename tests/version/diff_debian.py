"""diff_debian.py: deb scheme vs python3-apt's apt_pkg.version_compare (all vectors) and
dpkg --compare-versions (every dpkg_version_cases.tsv pair plus a fixed sample of 500 others)."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b_common  # noqa: E402


def sign(x):
    return (x > 0) - (x < 0)


def dpkg_cmp(a, b):
    for op, r in (("lt", -1), ("eq", 0), ("gt", 1)):
        if subprocess.run(["dpkg", "--compare-versions", a, op, b], stderr=subprocess.DEVNULL).returncode == 0:
            return r
    return None


def main():
    driver, vdir, exc_path = b_common.usage_args()
    try:
        import apt_pkg
    except ImportError:
        print("SKIP: python3-apt (apt_pkg) is not installed")
        return b_common.SKIP
    if not shutil.which("dpkg"):
        print("SKIP: dpkg not found")
        return b_common.SKIP
    apt_pkg.init_system()
    scal = []
    for name in ("debian-versions.txt", "debian-versions-generated.txt"):
        scal += b_common.read_op_file(os.path.join(vdir, "osv-scalibr", name))
    dpkg_cases = []
    with open(os.path.join(vdir, "dpkg", "dpkg_version_cases.tsv"), encoding="utf-8") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if ln and not ln.startswith("#"):
                a, b, e = ln.split("\t")
                dpkg_cases.append((a, b, int(e)))
    allp = scal + dpkg_cases
    ours = b_common.run_driver(driver, ["deb\t%s\t%s" % (a, b) for a, b, _ in allp])
    t = b_common.Tally(b_common.load_exceptions(exc_path, "deb"))
    t.check("debian (osv-scalibr + dpkg vectors)", "apt_pkg",
            [(a, b, o, str(sign(apt_pkg.version_compare(a, b)))) for (a, b, _), o in zip(allp, ours)])
    t.check("debian (osv-scalibr expectations)", "the vector file",
            [(a, b, o, str(e)) for (a, b, e), o in zip(scal, ours)])
    t.check("debian (dpkg_version_cases.tsv)", "dpkg --compare-versions",
            [(a, b, o, str(dpkg_cmp(a, b))) for (a, b, _), o in zip(dpkg_cases, ours[len(scal):])])
    step = max(1, len(scal) // 500)
    sample = list(range(0, len(scal), step))[:500]
    t.check("debian (fixed sample of %d osv-scalibr pairs)" % len(sample), "dpkg --compare-versions",
            [(scal[i][0], scal[i][1], ours[i], str(dpkg_cmp(scal[i][0], scal[i][1]))) for i in sample])
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
