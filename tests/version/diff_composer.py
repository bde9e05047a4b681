"""diff_composer.py: composer scheme vs PHP's own version_compare() (php-cli, after dropping one leading
"v"/"V" as Packagist tooling does) and vs the osv-scalibr packagist files' expectations."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b_common  # noqa: E402

PHP = r'''
while (($l = fgets(STDIN)) !== false) {
    [$a, $b] = explode("\t", rtrim($l, "\n"));
    $a = preg_replace('/^[vV]/', '', $a);
    $b = preg_replace('/^[vV]/', '', $b);
    echo version_compare($a, $b), "\n";
}
'''


def main():
    driver, vdir, exc_path = b_common.usage_args()
    php = shutil.which("php")
    if not php:
        print("SKIP: php (php-cli) is not installed")
        return b_common.SKIP
    pairs = []
    for name in ("packagist-versions.txt", "packagist-versions-generated.txt"):
        pairs += b_common.read_op_file(os.path.join(vdir, "osv-scalibr", name))
    ours = b_common.run_driver(driver, ["composer\t%s\t%s" % (a, b) for a, b, _ in pairs])
    inp = "".join("%s\t%s\n" % (a, b) for a, b, _ in pairs)
    theirs = subprocess.run([php, "-r", PHP], input=inp.encode(), stdout=subprocess.PIPE,
                            check=True).stdout.decode().split()
    t = b_common.Tally(b_common.load_exceptions(exc_path, "composer"))
    t.check("composer (osv-scalibr packagist)", "PHP version_compare",
            [(a, b, o, th) for (a, b, _), o, th in zip(pairs, ours, theirs)])
    t.check("composer (osv-scalibr packagist)", "the vector file",
            [(a, b, o, str(e)) for (a, b, e), o in zip(pairs, ours)])
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
