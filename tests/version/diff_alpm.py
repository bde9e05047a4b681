"""diff_alpm.py: alpm scheme vs libalpm's alpm_pkg_vercmp() (pacman's `vercmp`; Debian's libalpm13 from
pacman-package-manager, through tests/judges/alpm_judge.py) on the rpmvercmp vectors (alpm's comparison is
derived from rpmvercmp, so their expectations are printed but not required), the dpkg and osv-scalibr
Debian/Alpine/Red Hat pairs, and seeded pairs over those versions and generated Arch-style
epoch:version-release spellings. MEDSEC_ALPM_PROBES sets the sample size (default 50,000). When pacman's
`vercmp` program itself is installed (Debian package makepkg), a fixed sample of 300 pairs is checked with
it too, one process per pair."""
import os
import random
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402


def spellings(rng, n):
    """Arch-style versions: epochs, dotted numbers and letters, pkgrel, odd separators."""
    words = ["", "a", "b", "alpha", "beta", "rc", "pre", "git", "r", "p", "z", "A", "Z"]
    seps = [".", ".", ".", "_", "+", "~", "..", "-", ":"]
    out = []
    for _ in range(n):
        parts = []
        for i in range(rng.choice([1, 2, 3, 3, 4, 5])):
            p = rng.choice(["0", "1", "2", "10", "01", "007", "99", "123456789012345678901"]) \
                if rng.random() < 0.75 else rng.choice(words[1:])
            if rng.random() < 0.2:
                p += rng.choice(words)
            parts.append(p)
        v = parts[0]
        for p in parts[1:]:
            v += rng.choice(seps) + p
        if rng.random() < 0.3:
            v = rng.choice(["0", "1", "2", "", "01"]) + ":" + v
        if rng.random() < 0.5:
            v += "-" + rng.choice(["1", "2", "10", "1.1", "0", "a", "1a"])
        out.append(v)
    return out


def main():
    driver, vdir, exc_path = C.usage_args()
    judge = [sys.executable, os.path.join(C.JUDGES, "alpm_judge.py")]
    try:
        C.run_judge(judge, ["1\t2"])
    except (subprocess.CalledProcessError, OSError):
        C.skip("libalpm (Debian package libalpm13, from pacman-package-manager) is not installed")
    n_probes = int(os.environ.get("MEDSEC_ALPM_PROBES", "50000"))
    rng = random.Random(20261203)
    rpmv = C.read_sign_tsv(os.path.join(vdir, "rpm", "rpmvercmp.tsv"))
    rpmv += C.read_sign_tsv(os.path.join(vdir, "rpm", "rpmvercmp-disabled-oddities.tsv"))
    vec = list(C.read_sign_tsv(os.path.join(vdir, "dpkg", "dpkg_version_cases.tsv")))
    for name in ("debian-versions.txt", "debian-versions-generated.txt", "alpine-versions.txt",
                 "alpine-versions-generated.txt", "redhat-versions.txt"):
        vec += [(a, b, C.OP_SIGN[op]) for a, op, b in C.read_op_file(os.path.join(vdir, "osv-scalibr", name))]
    # alpm takes any string; medsec takes non-empty printable ASCII without blanks
    ok = lambda s: s and all(33 <= ord(c) < 127 for c in s)  # noqa: E731
    rpmv = [p for p in rpmv if ok(p[0]) and ok(p[1])]
    vec = [p for p in vec if ok(p[0]) and ok(p[1])]
    pool = sorted({v for a, b, _ in rpmv + vec for v in (a, b)}) + spellings(rng, 5000)
    sample = [(rng.choice(pool), rng.choice(pool)) for _ in range(n_probes)]
    pairs = [(a, b) for a, b, _ in rpmv + vec] + sample
    ours = C.run_driver(driver, [("alpm", a, b) for a, b in pairs])
    theirs = C.run_judge(judge, ["%s\t%s" % (a, b) for a, b in pairs])
    t = C.Tally("alpm", C.load_exceptions(exc_path, "alpm"))
    k1, k2 = len(rpmv), len(rpmv) + len(vec)
    t.check("rpmvercmp vectors vs libalpm", [(a, b, o, th) for (a, b), o, th in zip(pairs[:k1], ours[:k1], theirs[:k1])])
    same = sum(1 for (a, b, e), th in zip(rpmv, theirs[:k1]) if e == th)
    print("alpm: libalpm answers as rpm on %d of the %d rpmvercmp vectors" % (same, len(rpmv)))
    t.check("dpkg + osv-scalibr debian/alpine/redhat pairs vs libalpm",
            [(a, b, o, th) for (a, b), o, th in zip(pairs[k1:k2], ours[k1:k2], theirs[k1:k2])])
    t.check("%d sampled pairs (seeded) vs libalpm" % n_probes,
            [(a, b, o, th) for (a, b), o, th in zip(pairs[k2:], ours[k2:], theirs[k2:])])
    vercmp = shutil.which("vercmp")
    if vercmp:
        few = sample[:300]
        res = []
        for a, b in few:
            r = int(subprocess.run([vercmp, a, b], stdout=subprocess.PIPE, check=True).stdout)
            res.append("-1" if r < 0 else "1" if r > 0 else "0")
        t.check("300 sampled pairs vs the vercmp program", [(a, b, o, th) for (a, b), o, th in zip(few, ours[k2:], res)])
    else:
        print("alpm: the vercmp program (Debian package makepkg) is not installed; libalpm judged alone")
    t.finish()


if __name__ == "__main__":
    main()
