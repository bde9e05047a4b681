"""check_cpe_map.py: every vendor:product of medsec's built-in CPE map (rules/cpe-map.tsv) names a product
NVD knows: it is in the NVD CPE dictionary or in a cpe_match of the NVD feeds in ../shared/data. A map entry
naming a product no advisory or dictionary knows would derive CPEs that can never match, or a typo.

usage: check_cpe_map.py SOURCE_ROOT SHARED_DATA      (exit 77 when SHARED_DATA is absent)
"""
import glob
import gzip
import os
import re
import sys

SKIP = 77
NAME = re.compile(rb"cpe:2\.3:([aoh]):((?:[^:\\]|\\.)+):((?:[^:\\]|\\.)+):")


def main():
    root, shared = sys.argv[1:3]
    nvd = os.path.join(shared, "advisories", "nvd")
    feeds = sorted(glob.glob(os.path.join(nvd, "feeds-1.1", "nvdcve-1.1-*.json.gz")))
    dictionary = os.path.join(nvd, "official-cpe-dictionary_v2.3-2015.xml.gz")
    if not feeds or not os.path.exists(dictionary):
        print(f"SKIP: no NVD feeds or CPE dictionary in {nvd}")
        return SKIP
    known = set()
    for path in [dictionary] + feeds:
        with gzip.open(path, "rb") as f:
            for m in NAME.finditer(f.read()):
                known.add(b":".join(m.groups()).decode("utf-8", "replace").replace("\\", ""))
    failures, entries, names = [], 0, 0
    with open(os.path.join(root, "rules", "cpe-map.tsv"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            entries += 1
            for cpe in fields[2:]:
                if cpe == "-":
                    continue
                names += 1
                full = cpe if cpe.count(":") == 2 else "a:" + cpe
                if full not in known:
                    failures.append(f"rules/cpe-map.tsv:{n}: {cpe} is neither in the CPE dictionary nor in the NVD feeds")
    print(f"rules/cpe-map.tsv: {entries} entries, {names} vendor:product names, all in NVD data"
          if not failures else f"rules/cpe-map.tsv: {len(failures)} of {names} names unknown")
    for x in failures:
        print("FAIL: " + x)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
