<?php
// composer_judge.php: test-only judge on Debian's php-composer-semver (composer/semver 3). One line in,
// one line out, fields TAB-separated (\t, \n, \\ escaped):
//   cmp A B                  -> -1 | 0 | 1 | invalid   (Comparator on VersionParser::normalize()d A and B)
//   in V OP B [OP2 B2]       -> 1 | 0 | invalid | skip (Constraint(OP, normalize(B)) [and OP2] matches V;
//                              with two bounds "skip" unless normalize(B) < normalize(B2))
// A version whose normalized form is a "dev-" branch counts as invalid: Composer never orders branches.
require '/usr/share/php/Composer/Semver/autoload.php';

use Composer\Semver\Comparator;
use Composer\Semver\Constraint\Constraint;
use Composer\Semver\Constraint\MultiConstraint;
use Composer\Semver\VersionParser;

$parser = new VersionParser();
function norm($parser, $v)
{
    try {
        $n = $parser->normalize($v);
    } catch (UnexpectedValueException $e) {
        return null;
    }
    return stripos($n, 'dev-') === 0 ? null : $n;
}
function unesc($s)
{
    return preg_replace_callback('/\\\\(.)/', function ($m) {
        return $m[1] === 't' ? "\t" : ($m[1] === 'n' ? "\n" : $m[1]);
    }, $s);
}
$out = '';
while (($l = fgets(STDIN)) !== false) {
    $f = array_map('unesc', explode("\t", rtrim($l, "\n")));
    if ($f[0] === 'cmp') {
        $a = norm($parser, $f[1]);
        $b = norm($parser, $f[2]);
        if ($a === null || $b === null)
            $out .= "invalid\n";
        else
            $out .= (Comparator::lessThan($a, $b) ? '-1' : (Comparator::equalTo($a, $b) ? '0' : '1')) . "\n";
        continue;
    }
    $v = norm($parser, $f[1]);
    $b = norm($parser, $f[3]);
    $b2 = count($f) > 5 ? norm($parser, $f[5]) : '';
    if ($v === null || $b === null || $b2 === null) {
        $out .= "invalid\n";
        continue;
    }
    $c = new Constraint($f[2], $b);
    if ($b2 !== '') {
        if (!Comparator::lessThan($b, $b2)) {
            $out .= "skip\n";
            continue;
        }
        $c = new MultiConstraint(array($c, new Constraint($f[4], $b2)), true);
    }
    $out .= ($c->matches(new Constraint('==', $v)) ? '1' : '0') . "\n";
}
echo $out;
