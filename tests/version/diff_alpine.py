"""diff_alpine.py: apk scheme vs the vector files' own expectations (Debian 12 has no apk-tools):
apk-tools' test/unit/version.data (orderings, valid and invalid tokens; fuzzy-match lines are counted and
skipped, medsec has no fuzzy match) and osv-scalibr's alpine files."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b_common  # noqa: E402


def read_apk_data(path):
    pairs, valid, invalid, fuzzy = [], [], [], 0
    with open(path, encoding="utf-8") as f:
        for ln in f:
            ln = ln.split("#", 1)[0].strip()
            if not ln:
                continue
            parts = ln.split()
            if len(parts) == 1:
                tok = parts[0]
                if tok.startswith("!"):
                    invalid.append(tok[1:])
                else:
                    valid.append(tok)
            elif ln == "!":
                invalid.append("")
            elif parts[1] in ("<", "=", ">"):
                pairs.append((parts[0], parts[2], {"<": -1, "=": 0, ">": 1}[parts[1]]))
            else:
                fuzzy += 1
    return pairs, valid, invalid, fuzzy


def main():
    driver, vdir, exc_path = b_common.usage_args()
    pairs, valid, invalid, fuzzy = read_apk_data(os.path.join(vdir, "apk", "version.data"))
    scal = []
    for name in ("alpine-versions.txt", "alpine-versions-generated.txt"):
        scal += b_common.read_op_file(os.path.join(vdir, "osv-scalibr", name))
    ours = b_common.run_driver(driver, ["apk\t%s\t%s" % (a, b) for a, b, _ in pairs + scal])
    vals = b_common.run_driver(driver, ["apk\t%s" % v for v in valid + invalid])
    t = b_common.Tally(b_common.load_exceptions(exc_path, "apk"))
    t.check("alpine (apk-tools version.data orderings)", "the vector file",
            [(a, b, o, str(e)) for (a, b, e), o in zip(pairs, ours)])
    t.check("alpine (apk-tools version.data validity)", "the vector file",
            [(v, "", o, "valid" if i < len(valid) else "invalid") for i, (v, o) in enumerate(zip(valid + invalid, vals))])
    t.check("alpine (osv-scalibr)", "the vector file",
            [(a, b, o, str(e)) for (a, b, e), o in zip(scal, ours[len(pairs):])])
    print("alpine: %d fuzzy-match lines of version.data skipped (no fuzzy match in medsec)" % fuzzy)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
