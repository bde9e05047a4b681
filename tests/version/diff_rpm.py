"""diff_rpm.py: rpm scheme vs python3-rpm: rpm.labelCompare on version-only tuples (= rpmvercmp) for the
rpmvercmp vectors (the 12 upstream-disabled oddities reported separately), and on EVR tuples split as rpm's
parseEVR does for the osv-scalibr redhat file."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402


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
    driver, vdir, exc_path = C.usage_args()
    try:
        import rpm
    except ImportError:
        C.skip("python3-rpm is not installed")
    active = C.read_sign_tsv(os.path.join(vdir, "rpm", "rpmvercmp.tsv"))
    odd = C.read_sign_tsv(os.path.join(vdir, "rpm", "rpmvercmp-disabled-oddities.tsv"))
    rh = [(a, b, C.OP_SIGN[op]) for a, op, b in C.read_op_file(os.path.join(vdir, "osv-scalibr", "redhat-versions.txt"))]
    allp = active + odd + rh
    ours = C.run_driver(driver, [("rpm", a, b) for a, b, _ in allp])
    o_active, o_odd, o_rh = ours[:len(active)], ours[len(active):len(active) + len(odd)], ours[len(active) + len(odd):]

    def vercmp(a, b):
        return str(rpm.labelCompare((None, a, None), (None, b, None)))

    t = C.Tally("rpm", C.load_exceptions(exc_path, "rpm"))
    t.check("rpmvercmp.tsv vs python3-rpm rpmvercmp", [(a, b, o, vercmp(a, b)) for (a, b, _), o in zip(active, o_active)])
    t.check("rpmvercmp.tsv vs vector", [(a, b, o, e) for (a, b, e), o in zip(active, o_active)])
    t.check("disabled oddities vs python3-rpm rpmvercmp", [(a, b, o, vercmp(a, b)) for (a, b, _), o in zip(odd, o_odd)])
    t.check("disabled oddities vs vector", [(a, b, o, e) for (a, b, e), o in zip(odd, o_odd)])
    t.check("osv-scalibr redhat (EVR) vs python3-rpm labelCompare",
            [(a, b, o, str(rpm.labelCompare(split_evr(a), split_evr(b)))) for (a, b, _), o in zip(rh, o_rh)])
    t.check("osv-scalibr redhat (EVR) vs vector", [(a, b, o, e) for (a, b, e), o in zip(rh, o_rh)])
    t.finish()


if __name__ == "__main__":
    main()
