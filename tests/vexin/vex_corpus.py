#!/usr/bin/env python3
"""vex_corpus.py MEDSEC SHARED_DATA: `medsec vex read --json` on the supplier VEX documents of
../shared/data, each judged by an independent count made here with python's json module.

The documents: the 39 JSON files under VEX/ of the CycloneDX bom-examples (CycloneDX VEX, plus the
companion BOMs, which hold no statement), the 13 CSAF-VEX examples of OASIS CSAF 2.0, the 4
csaf_vex VA documents of cisagov, the CycloneDX-VEX and OpenVEX files of cve-bin-tool's tests, and
the 144 medical advisories (ICSMA, csaf_security_advisory, whose product_status is read the same
way). Each must read with exit 0, and the number of statements per state must equal the judge's.
Exits 77 (skipped) when ../shared/data is absent."""
import collections
import json
import os
import subprocess
import sys
import tarfile
import tempfile

CDX_STATES = {"in_triage", "exploitable", "not_affected", "false_positive", "resolved",
              "resolved_with_pedigree"}
CDX_JUST = {"code_not_present", "code_not_reachable", "requires_configuration",
            "requires_dependency", "requires_environment", "protected_by_compiler",
            "protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control"}
CDX_RESP = {"can_not_fix", "will_not_fix", "update", "rollback", "workaround_available"}
OV_STATE = {"under_investigation": "in_triage", "affected": "exploitable",
            "not_affected": "not_affected", "fixed": "resolved"}
JUST = {"component_not_present", "vulnerable_code_not_present",
        "vulnerable_code_not_in_execute_path", "vulnerable_code_cannot_be_controlled_by_adversary",
        "inline_mitigations_already_exist"}
CSAF_STATE = {"known_not_affected": "not_affected", "known_affected": "exploitable",
              "first_affected": "exploitable", "last_affected": "exploitable",
              "fixed": "resolved", "first_fixed": "resolved",
              "under_investigation": "in_triage"}


def judge_cyclonedx(d):
    c = collections.Counter()
    for v in d.get("vulnerabilities") or []:
        a = v.get("analysis")
        if not isinstance(a, dict) or not v.get("id"):
            continue
        if a.get("state") not in CDX_STATES:
            continue
        if a.get("justification") is not None and a["justification"] not in CDX_JUST:
            continue
        if any(r not in CDX_RESP for r in a.get("response") or []):
            continue
        c[a["state"]] += max(1, len(v.get("affects") or []))
    return c


def judge_openvex(d):
    c = collections.Counter()
    for s in d.get("statements") or []:
        vu = s.get("vulnerability")
        vid = vu if isinstance(vu, str) else (vu or {}).get("name") or (vu or {}).get("@id")
        if not vid or s.get("status") not in OV_STATE:
            continue
        if s.get("justification") is not None and s["justification"] not in JUST:
            continue
        n = 0
        for p in s.get("products") or []:
            subs = p.get("subcomponents") if isinstance(p, dict) else None
            n += max(1, len(subs or []))
        c[OV_STATE[s["status"]]] += max(1, n)
    return c


def covers(obj, groups, pid):
    if pid in (obj.get("product_ids") or []):
        return True
    for g in obj.get("group_ids") or []:
        for gr in groups:
            if gr.get("group_id") == g and pid in (gr.get("product_ids") or []):
                return True
    return False


def judge_csaf(d):
    c = collections.Counter()
    groups = (d.get("product_tree") or {}).get("product_groups") or []
    for v in d.get("vulnerabilities") or []:
        ps = v.get("product_status")
        has_id = v.get("cve") or any(i.get("text") for i in v.get("ids") or [])
        if not isinstance(ps, dict) or not has_id:
            continue
        for status, pids in ps.items():
            if status not in CSAF_STATE or not isinstance(pids, list):
                continue
            for pid in pids:
                if not isinstance(pid, str):
                    continue
                flag = next((f for f in v.get("flags") or [] if covers(f, groups, pid)), None)
                if flag is not None and flag.get("label") not in JUST:
                    continue
                c[CSAF_STATE[status]] += 1
    return c


def judge(d):
    if d.get("bomFormat") == "CycloneDX":
        return "cyclonedx", judge_cyclonedx(d)
    if "openvex" in str(d.get("@context", "")):
        return "openvex", judge_openvex(d)
    return "csaf", judge_csaf(d)


def main():
    medsec, data = sys.argv[1], sys.argv[2]
    archives = {
        "cdx": os.path.join(data, "sbom/cyclonedx-bom-examples-json.tar.gz"),
        "oasis": os.path.join(data, "advisories/csaf/oasis-csaf-2.0-schemas-examples-validator-tests.tar.gz"),
        "va": os.path.join(data, "advisories/csaf/cisagov-csaf2.0-icsa-va-it-2017-2024.tar.gz"),
        "cbt": os.path.join(data, "sbom/cve-bin-tool-test-sbom-vex.tar.gz"),
        "icsma": os.path.join(data, "advisories/csaf/cisagov-csaf2.0-icsma-2017-2024.tar.gz"),
    }
    if not all(os.path.isfile(p) for p in archives.values()):
        print("skipped: ../shared/data (the VEX archives) is absent")
        return 77
    picks = {
        "cdx": lambda n: "/VEX/" in n and n.endswith(".json"),
        "oasis": lambda n: "/examples/csaf/csaf_vex/" in n and n.endswith(".json"),
        "va": lambda n: os.path.basename(n).startswith("va-") and n.endswith(".json"),
        "cbt": lambda n: "/test/vex/" in n and n.endswith(".json"),
        "icsma": lambda n: os.path.basename(n).startswith("icsma-") and n.endswith(".json"),
    }
    expect = {"cdx": 39, "oasis": 13, "cbt": 3, "icsma": 144}
    failures = 0
    total = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for key, arc in archives.items():
            with tarfile.open(arc) as t:
                members = [m for m in t.getmembers() if m.isfile() and picks[key](m.name)]
                if key == "va":  # the csaf_vex documents among cisagov's VA files
                    keep = []
                    for m in members:
                        d = json.load(t.extractfile(m))
                        if (d.get("document") or {}).get("category") == "csaf_vex":
                            keep.append(m)
                    members = keep
                    expect["va"] = 4
                if len(members) != expect[key]:
                    print(f"FAIL {key}: {len(members)} files, expected {expect[key]}")
                    failures += 1
                for m in members:
                    out = os.path.join(tmp, key, m.name.replace("/", "_"))
                    os.makedirs(os.path.dirname(out), exist_ok=True)
                    with open(out, "wb") as f:
                        f.write(t.extractfile(m).read())
                    files.append((key, m.name, out))
        # one run for all of them (the documents come back in the order given)
        p = subprocess.run([medsec, "vex", "read", "--json"] + [f[2] for f in files],
                           capture_output=True)
        if p.returncode != 0:
            print(f"FAIL exit {p.returncode}: {p.stderr.decode(errors='replace')[-4000:]}")
            return 1
        docs = json.loads(p.stdout)
        if len(docs) != len(files):
            print(f"FAIL {len(docs)} documents read of {len(files)}")
            return 1
        for (key, name, path), doc in zip(files, docs):
            with open(path, encoding="utf-8") as f:
                fmt, want = judge(json.load(f))
            got = collections.Counter(s["state"] for s in doc["statements"])
            if doc["file"] != path or doc["format"] != fmt or got != want:
                print(f"FAIL {name}: {doc['format']} {dict(got)}, judge {fmt} {dict(want)}")
                failures += 1
            total[key] += sum(got.values())
    print(f"{len(files)} documents; statements: " +
          ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
