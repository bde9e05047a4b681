"""diff_composer.py: composer scheme vs composer/semver 3 (Debian's php-composer-semver, through
tests/judges/composer_judge.php): VersionParser::normalize() decides what a version is, Comparator and
Constraint objects decide order and containment.

Probes: every osv-scalibr packagist pair, a seeded sample of pairs over those versions and generated
spellings (a "v" prefix, "-stable", "-pN", four-part and date versions, stability flags, build metadata,
aliases, numeric branches), and seeded vers:composer ranges (one comparator, or a lower and an upper bound)
against the same Constraint. MEDSEC_COMPOSER_PROBES sets the sample sizes (default 50,000 each). The
osv-scalibr expectations are checked on the pairs where composer/semver itself agrees with them; the
pairs where it does not are counted (they follow raw PHP version_compare without normalize())."""
import os
import random
import shutil
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

JUDGE = "/usr/share/php/Composer/Semver/VersionParser.php"
OPS = ["=", "!=", "<", "<=", ">", ">="]
LOWER = [">", ">="]
UPPER = ["<", "<="]


def spellings(rng, n):
    """@n generated version spellings around what normalize() reads."""
    nums = ["0", "1", "2", "3", "10", "02", "99999", "123456", "00"]
    mods = ["", "", "", "-stable", "-STABLE", "stable", "-p1", "-pl2", "p3", "-patch4", "-alpha", "a1", "-b2",
            "-beta.3", "-RC1", "rc2", "-rc.1.2", "-dev", ".dev", "-alpha1-dev", "-bdev", "_beta", "-foo", "-p1.2",
            "-Beta2", "-stable-dev", "-beta-1", ".pl.3", "-a.b"]
    extras = ["", "", "", "", "+build.5", "@beta", "@stable", " as 3.0", "+", " "]
    dates = ["2010-01-02", "20100102", "2010.01.02.03", "201001021530", "2010:01:02", "2010-01-02-1234"]
    fixed = ["1.x-dev", "2.0.*-dev", "v3.X-dev", "dev-main", "master", "1.2.3.#", "1..2", "", "v", "1.0.0.0.0",
             "1.2.x", "4.3", "4.3.0", "4.3.0.0"]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.05:
            out.append(rng.choice(fixed))
            continue
        pre = rng.choice(["", "", "", "v", "V"])
        if r < 0.15:
            core = rng.choice(dates)
        else:
            core = ".".join(rng.choice(nums[:6] if i else nums) for i in range(rng.choice([1, 2, 2, 3, 3, 3, 4, 5])))
        out.append(pre + core + rng.choice(mods) + rng.choice(extras))
    return out


def vers_version(v):
    return urllib.parse.quote(v, safe=".-_~+@:")


def main():
    driver, vdir, exc_path = C.usage_args()
    php = shutil.which("php")
    if not php:
        C.skip("php (php-cli) is not installed")
    if not os.path.exists(JUDGE):
        C.skip("composer/semver is not installed (Debian package php-composer-semver)")
    judge = [php, os.path.join(C.JUDGES, "composer_judge.php")]
    n_probes = int(os.environ.get("MEDSEC_COMPOSER_PROBES", "50000"))
    rng = random.Random(20261203)

    vec = []
    for name in ("packagist-versions.txt", "packagist-versions-generated.txt"):
        vec += [(a, b, C.OP_SIGN[op]) for a, op, b in C.read_op_file(os.path.join(vdir, "osv-scalibr", name))]
    pool = sorted({v for a, b, _ in vec for v in (a, b)}) + spellings(rng, 4000)
    pairs = [(a, b) for a, b, _ in vec] + [(rng.choice(pool), rng.choice(pool)) for _ in range(n_probes)]
    ours = C.run_driver(driver, [("composer", a, b) for a, b in pairs])
    theirs = C.run_judge(judge, ["cmp\t%s\t%s" % (C.esc(a), C.esc(b)) for a, b in pairs])
    t = C.Tally("composer", C.load_exceptions(exc_path, "composer"))
    nv = len(vec)
    t.check("osv-scalibr packagist pairs vs composer/semver",
            [(a, b, o, th) for (a, b), o, th in zip(pairs[:nv], ours[:nv], theirs[:nv])])
    t.check("%d sampled pairs (seeded) vs composer/semver" % n_probes,
            [(a, b, o, th) for (a, b), o, th in zip(pairs[nv:], ours[nv:], theirs[nv:])])
    same = [(a, b, o, e) for (a, b, e), o, th in zip(vec, ours, theirs) if th == e]
    t.check("osv-scalibr packagist pairs vs vector, where composer/semver agrees with it", same)
    print("composer: %d osv-scalibr pairs whose expectation composer/semver does not share (raw "
          "version_compare without normalize), not checked against the vector" % (nv - len(same)))

    probes, starred = [], 0
    while len(probes) < n_probes:
        v = rng.choice(pool)
        if rng.random() < 0.4:
            op, b = rng.choice(OPS), rng.choice(pool)
            probes.append((v, [(op, b)]))
        else:
            probes.append((v, [(rng.choice(LOWER), rng.choice(pool)), (rng.choice(UPPER), rng.choice(pool))]))
        if any("*" in b for _, b in probes[-1][1]):
            probes.pop()  # vers: a constraint version never holds "*" (medsec_vers_parse refuses it)
            starred += 1
    rows, lines = [], []
    for v, cons in probes:
        text = "vers:composer/" + "|".join(("" if op == "=" else op) + vers_version(b) for op, b in cons)
        rows.append(("vers-contains", text, v))
        lines.append("\t".join(["in", C.esc(v)] + [C.esc(x) for c in cons for x in c]))
    ours = C.run_driver(driver, rows)
    theirs = C.run_judge(judge, lines)
    cases, skipped = [], 0
    for (_, text, v), o, th in zip(rows, ours, theirs):
        if th == "skip":
            skipped += 1
            continue
        o = {"true": "1", "false": "0"}.get(o, "invalid")
        cases.append((text, v, o, th))
    t.check("%d vers:composer ranges (seeded) vs Constraint" % len(cases), cases)
    print("composer: %d drawn ranges with a \"*\" in a bound not used (vers: forbids it)" % starred)
    print("composer: %d range probes skipped (lower bound not below the upper one in Composer's order)" % skipped)
    t.finish()


if __name__ == "__main__":
    main()
