"""diff_nuget.py: NuGet versions and ranges: medsec against the vectors' own expectations only (no .NET here).

Sources: osv-scalibr nuget-versions.txt and the NuGet.Client NuGet.Versioning [InlineData] rows whose
test method states the expected result directly (validity, ordering, range satisfaction, range errors).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

driver, vdir, excpath = C.usage_args()
T = C.Tally("nuget", C.load_exceptions(excpath, "nuget"))

trip = C.read_op_file(os.path.join(vdir, "osv-scalibr", "nuget-versions.txt"))
ours = C.run_driver(driver, [("nuget", a, b) for a, _, b in trip])
T.check("nuget-versions.txt vs vector", [(a, b, o, C.OP_SIGN[op]) for (a, op, b), o in zip(trip, ours)])

rows = []
with open(os.path.join(vdir, "nuget", "nuget_versioning_test_inlinedata.jsonl"), encoding="utf-8") as f:
    for ln in f:
        rows.append(json.loads(ln))

# method -> (driver row builder, expected answer); NuGetVersion (not strict SemanticVersion) methods only
VALID = {"TryParseHandlesValidVersionPatterns": "1", "ParseThrowsIfStringIsNotAValidSemVer": "0",
         "StringConstructorParsesValuesCorrectly": "1", "NuGetVersionKeepsOriginalVersionString": "1",
         "ParseIgnoresLeadingAndTrailingWhitespace": "1", "ToStringReturnsOriginalValueForNonSemVer2": "1"}
CMP = {"VersionComparisonDefaultEqual": "0", "VersionComparisonDefaultEqualWithNuGetVersion": "0",
       "VersionComparisonDefaultLess": "-1", "SemVerEqualsOperatorWorks": "0",
       "SemVerLessThanAndGreaterThanOperatorsWorks": "-1", "SemVerSortIgnoreReleaseCasing": "0",
       "SemVerSortNumericAlpha": "-1", "SemVerSortRelease": "-1", "SemVerSortReleaseAlpha": "-1",
       "SemVerSortReleaseLabelCount": "-1", "SemVerSortReleaseNumeric": "-1", "SemVerSortVersion": "-1"}
RANGE = {"ParseVersionRangeSatisfies": "1", "ParseVersionRangeDoesNotSatisfy": "0"}
BADRANGE = ("ParseVersionRangeWithBadVersionThrows", "Parse_Illogical_VersionRange_Throws")

val, cmp, rng = [], [], []
for r in rows:
    m, args = r["method"], r["args"]
    if any(isinstance(x, dict) for x in args):
        continue  # C# expressions
    if m in VALID:
        val.append((args[0], VALID[m]))
    elif m in CMP:
        cmp.append((args[0], args[1], CMP[m]))
        if CMP[m] == "-1":
            cmp.append((args[1], args[0], "1"))
    elif m == "ParseReadsLegacyStyleVersionNumbers":
        cmp.append((args[0], args[1], "0"))
    elif m in RANGE:
        rng.append((args[0], args[1], RANGE[m]))
    elif m in BADRANGE:
        rng.append((args[0], "1.0.0", "invalid"))
    elif m == "ParseVersionParsesTokensVersionsCorrectly" and args[1] is not None:
        # versionString, min, incMin, max, incMax: min itself is inside iff incMin
        rng.append((args[0], args[1], "1" if args[2] else "0"))
        if args[3] is not None:
            rng.append((args[0], args[3], "1" if args[4] else "0"))

ours = C.run_driver(driver, [("valid", "nuget", v) for v, _ in val])
T.check("NuGet.Versioning tests: validity", [(v, "valid", o, e) for (v, e), o in zip(val, ours)])
ours = C.run_driver(driver, [("nuget", a, b) for a, b, _ in cmp])
T.check("NuGet.Versioning tests: ordering", [(a, b, o, e) for (a, b, e), o in zip(cmp, ours)])
ours = C.run_driver(driver, [("nuget-range", r, v) for r, v, _ in rng])
T.check("NuGet.Versioning tests: ranges", [(r, v, o, e) for (r, v, e), o in zip(rng, ours)])
T.finish()
