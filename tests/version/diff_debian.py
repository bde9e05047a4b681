"""diff_debian.py: deb scheme vs python3-apt's apt_pkg.version_compare (all vectors) and
dpkg --compare-versions (every dpkg_version_cases.tsv pair plus a fixed sample of 500 others)."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402


def sign(x):
    return (x > 0) - (x < 0)


def dpkg_cmp(a, b):
    for op, r in (("lt", -1), ("eq", 0), ("gt", 1)):
        if subprocess.run(["dpkg", "--compare-versions", a, op, b], stderr=subprocess.DEVNULL).returncode == 0:
            return r
    return None


def main():
    driver, vdir, exc_path = C.usage_args()
    try:
        import apt_pkg
    except ImportError:
        C.skip("python3-apt (apt_pkg) is not installed")
    if not shutil.which("dpkg"):
        C.skip("dpkg not found")
    apt_pkg.init_system()
    scal = []
    for name in ("debian-versions.txt", "debian-versions-generated.txt"):
        scal += [(a, b, C.OP_SIGN[op]) for a, op, b in C.read_op_file(os.path.join(vdir, "osv-scalibr", name))]
    dpkg_cases = C.read_sign_tsv(os.path.join(vdir, "dpkg", "dpkg_version_cases.tsv"))
    allp = scal + dpkg_cases
    ours = C.run_driver(driver, [("deb", a, b) for a, b, _ in allp])
    t = C.Tally("deb", C.load_exceptions(exc_path, "deb"))
    t.check("osv-scalibr + dpkg vectors vs apt_pkg",
            [(a, b, o, str(sign(apt_pkg.version_compare(a, b)))) for (a, b, _), o in zip(allp, ours)])
    t.check("osv-scalibr vs vector", [(a, b, o, e) for (a, b, e), o in zip(scal, ours)])
    t.check("dpkg_version_cases.tsv vs dpkg --compare-versions",
            [(a, b, o, str(dpkg_cmp(a, b))) for (a, b, _), o in zip(dpkg_cases, ours[len(scal):])])
    step = max(1, len(scal) // 500)
    sample = list(range(0, len(scal), step))[:500]
    t.check("fixed sample of %d osv-scalibr pairs vs dpkg --compare-versions" % len(sample),
            [(scal[i][0], scal[i][1], ours[i], str(dpkg_cmp(scal[i][0], scal[i][1]))) for i in sample])
    t.finish()


if __name__ == "__main__":
    main()
