"""diff_rpm.py: rpm scheme vs python3-rpm: rpm.labelCompare on version-only tuples (= rpmvercmp) for the
rpmvercmp vectors (the 12 upstream-disabled oddities reported separately), and on EVR tuples split as rpm's
parseEVR does for the osv-scalibr redhat file."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b_common  # noqa: E402


def read_tsv(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if ln and not ln.startswith("#"):
                a, b, e = ln.split("\t")
                out.append((a, b, int(e)))
    return out


def split_evr(s):
    """rpm's parseEVR: leading digits then ':' is the epoch; the last '-' after them starts the release."""
    d = 0
    while d < len(s) and s[d].isdigit() and s[d].isascii():
        d += 1
    epoch, rest = None, s
    if d < len(s) and s[d] == ":":
        epoch, rest = (s[:d] or "0"), s[d + 1:]
        hy_from = 0
    else:
        hy_from = d
    k = rest.rfind("-", hy_from)
    if k >= 0:
        return epoch, rest[:k], rest[k + 1:]
    return epoch, rest, None


def main():
    driver, vdir, exc_path = b_common.usage_args()
    try:
        import rpm
    except ImportError:
        print("SKIP: python3-rpm is not installed")
        return b_common.SKIP
    active = read_tsv(os.path.join(vdir, "rpm", "rpmvercmp.tsv"))
    odd = read_tsv(os.path.join(vdir, "rpm", "rpmvercmp-disabled-oddities.tsv"))
    rh = b_common.read_op_file(os.path.join(vdir, "osv-scalibr", "redhat-versions.txt"))
    allp = active + odd + rh
    ours = b_common.run_driver(driver, ["rpm\t%s\t%s" % (a, b) for a, b, _ in allp])
    o_active, o_odd, o_rh = ours[:len(active)], ours[len(active):len(active) + len(odd)], ours[len(active) + len(odd):]

    def vercmp(a, b):
        return str(rpm.labelCompare((None, a, None), (None, b, None)))

    t = b_common.Tally(b_common.load_exceptions(exc_path, "rpm"))
    t.check("rpm (rpmvercmp.tsv)", "python3-rpm rpmvercmp", [(a, b, o, vercmp(a, b)) for (a, b, _), o in zip(active, o_active)])
    t.check("rpm (rpmvercmp.tsv)", "the vector file", [(a, b, o, str(e)) for (a, b, e), o in zip(active, o_active)])
    t.check("rpm (disabled oddities)", "python3-rpm rpmvercmp", [(a, b, o, vercmp(a, b)) for (a, b, _), o in zip(odd, o_odd)])
    t.check("rpm (disabled oddities)", "the vector file", [(a, b, o, str(e)) for (a, b, e), o in zip(odd, o_odd)])
    t.check("rpm (osv-scalibr redhat, EVR)", "python3-rpm labelCompare",
            [(a, b, o, str(rpm.labelCompare(split_evr(a), split_evr(b)))) for (a, b, _), o in zip(rh, o_rh)])
    t.check("rpm (osv-scalibr redhat, EVR)", "the vector file", [(a, b, o, str(e)) for (a, b, e), o in zip(rh, o_rh)])
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
