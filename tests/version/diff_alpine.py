"""diff_alpine.py: apk scheme vs the vector files' own expectations (Debian 12 has no apk-tools):
apk-tools' test/unit/version.data (orderings, valid and invalid tokens; fuzzy-match lines are counted and
skipped, medsec has no fuzzy match) and osv-scalibr's alpine files."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402


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
            elif parts[1] in C.OP_SIGN:
                pairs.append((parts[0], parts[2], C.OP_SIGN[parts[1]]))
            else:
                fuzzy += 1
    return pairs, valid, invalid, fuzzy


def main():
    driver, vdir, exc_path = C.usage_args()
    pairs, valid, invalid, fuzzy = read_apk_data(os.path.join(vdir, "apk", "version.data"))
    scal = []
    for name in ("alpine-versions.txt", "alpine-versions-generated.txt"):
        scal += [(a, b, C.OP_SIGN[op]) for a, op, b in C.read_op_file(os.path.join(vdir, "osv-scalibr", name))]
    ours = C.run_driver(driver, [("apk", a, b) for a, b, _ in pairs + scal])
    vals = C.run_driver(driver, [("valid", "apk", v) for v in valid + invalid])
    t = C.Tally("apk", C.load_exceptions(exc_path, "apk"))
    t.check("apk-tools version.data orderings vs vector", [(a, b, o, e) for (a, b, e), o in zip(pairs, ours)])
    t.check("apk-tools version.data validity vs vector",
            [(v, "", o, "1" if i < len(valid) else "0") for i, (v, o) in enumerate(zip(valid + invalid, vals))])
    t.check("osv-scalibr vs vector", [(a, b, o, e) for (a, b, e), o in zip(scal, ours[len(pairs):])])
    print("apk: %d fuzzy-match lines of version.data skipped (no fuzzy match in medsec)" % fuzzy)
    t.finish()


if __name__ == "__main__":
    main()
