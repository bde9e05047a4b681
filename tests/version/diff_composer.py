"""diff_composer.py: composer scheme vs PHP's own version_compare() (php-cli, after dropping one leading
"v"/"V" as Packagist tooling does) and vs the osv-scalibr packagist files' expectations."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

PHP = r'''
while (($l = fgets(STDIN)) !== false) {
    [$a, $b] = explode("\t", rtrim($l, "\n"));
    $a = preg_replace('/^[vV]/', '', $a);
    $b = preg_replace('/^[vV]/', '', $b);
    echo version_compare($a, $b), "\n";
}
'''


def main():
    driver, vdir, exc_path = C.usage_args()
    php = shutil.which("php")
    if not php:
        C.skip("php (php-cli) is not installed")
    pairs = []
    for name in ("packagist-versions.txt", "packagist-versions-generated.txt"):
        pairs += [(a, b, C.OP_SIGN[op]) for a, op, b in C.read_op_file(os.path.join(vdir, "osv-scalibr", name))]
    ours = C.run_driver(driver, [("composer", a, b) for a, b, _ in pairs])
    theirs = C.run_judge([php, "-r", PHP], ["%s\t%s" % (a, b) for a, b, _ in pairs])
    t = C.Tally("composer", C.load_exceptions(exc_path, "composer"))
    t.check("osv-scalibr packagist vs PHP version_compare", [(a, b, o, th) for (a, b, _), o, th in zip(pairs, ours, theirs)])
    t.check("osv-scalibr packagist vs vector", [(a, b, o, e) for (a, b, e), o in zip(pairs, ours)])
    t.finish()


if __name__ == "__main__":
    main()
