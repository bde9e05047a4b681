#!/usr/bin/python3
"""shared_data.py: import every advisory source of ../shared/data into a fresh database with
`medsec db import` and check the record counts against counts Python computes itself from the same
files; then re-import everything and check that nothing changes.

usage: shared_data.py MEDSEC_BINARY SHARED_DATA_DIR WORK_DIR
Exit 77 (skip) when the shared data is absent."""
import csv
import gzip
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import zipfile

FAILURES = []


def check(what, got, want):
    status = "ok" if got == want else "FAIL"
    if got == want and isinstance(got, dict):
        print(f"{status:4} {what}")
    else:
        print(f"{status:4} {what}: got {got}, want {want}")
    if got != want:
        FAILURES.append(what)


def classify(obj):
    """The source a JSON document belongs to, as medsec recognises it, and its record ids."""
    if not isinstance(obj, dict):
        return None, []
    if "CVE_Items" in obj:
        return "nvd", [i["cve"]["CVE_data_meta"]["ID"] for i in obj["CVE_Items"]]
    doc = obj.get("document")
    if isinstance(doc, dict) and "csaf_version" in doc:
        return "csaf", [doc["tracking"]["id"]]
    vul = obj.get("vulnerabilities")
    if "catalogVersion" in obj and isinstance(vul, list):
        return "kev", [v["cveID"] for v in vul]
    if isinstance(vul, list) and vul and isinstance(vul[0], dict) and "cve" in vul[0]:
        return "nvd", [v["cve"]["id"] for v in vul]
    if isinstance(obj.get("id"), str) and ("modified" in obj or "affected" in obj):
        return "osv", [obj["id"]]
    return None, []


def csaf_vulns(obj):
    return len(obj.get("vulnerabilities", []))


def expected_for(path):
    """{source: [ids...]} and the CSAF vulnerability count for one file of the advisories folder."""
    ids = {s: [] for s in ("osv", "nvd", "csaf", "kev", "epss")}
    vulns = 0

    def take(obj):
        nonlocal vulns
        src, rec = classify(obj)
        if src:
            ids[src].extend(rec)
            if src == "csaf":
                vulns += csaf_vulns(obj)

    name = os.path.basename(path)
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if n.endswith(".json"):
                    take(json.loads(z.read(n)))
    elif name.endswith(".tar.gz"):
        with tarfile.open(path, "r:gz") as t:
            for m in t.getmembers():
                if m.isfile() and m.name.endswith(".json"):
                    try:
                        take(json.load(t.extractfile(m)))
                    except ValueError:
                        pass
                elif m.isfile() and m.name.endswith(".csv"):
                    head = t.extractfile(m).read(300).decode("utf-8", "replace")
                    if re.match(r"(#[^\n]*\n)?cve,epss,percentile", head):
                        ids["epss"].extend(epss_rows(t.extractfile(m).read().decode()))
    elif name.endswith(".json.gz") and name.startswith("nvdcve-1.1-"):
        # the feeds are large: count the items without building them
        text = gzip.open(path).read().decode("utf-8")
        ids["nvd"].extend(re.findall(r'"CVE_data_meta" : \{\s*"ID" : "([^"]+)"', text))
    elif name.endswith(".json.gz") or name.endswith(".json"):
        data = gzip.open(path).read() if name.endswith(".gz") else open(path, "rb").read()
        take(json.loads(data))
    elif name.endswith(".csv") or name.endswith(".csv.gz"):
        data = (gzip.open(path).read() if name.endswith(".gz") else open(path, "rb").read()).decode("utf-8-sig")
        if re.match(r"(#[^\n]*\n)?cve,epss,percentile", data):
            ids["epss"].extend(epss_rows(data))
        elif "cveID" in data.split("\n", 1)[0].split(","):
            ids["kev"].extend(r["cveID"] for r in csv.DictReader(io.StringIO(data, newline="")))
    return ids, vulns


def epss_rows(text):
    return [l.split(",")[0] for l in text.splitlines() if l.startswith("CVE-")]


def run(medsec, db, *args):
    p = subprocess.run([medsec, "db", *args, "--db", db, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr)
        raise SystemExit(f"medsec db {args[0]} failed with exit {p.returncode}")
    return json.loads(p.stdout)


def main():
    medsec, shared, work = sys.argv[1:4]
    keep = sys.argv[4] if len(sys.argv) > 4 else None  # where to leave the full database for later tests
    adv = os.path.join(shared, "advisories")
    if not os.path.isdir(adv):
        print(f"skip: {adv} not found")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    # 1. the figures the data README states, one source per fresh database
    singles = [
        ("osv/Go/all.zip", "osv", 4291, None),
        ("osv/PyPI/all.zip", "osv", 2661, None),
        ("osv/crates.io/all.zip", "osv", 1206, None),
        ("osv/Bitnami/all.zip", "osv", 7444, None),
        ("osv/AlmaLinux/all.zip", "osv", 5637, None),
        ("csaf/cisagov-csaf2.0-icsma-2017-2024.tar.gz", "csaf", 144, 433),
        ("kev/known_exploited_vulnerabilities.json.gz", "kev", 1404, None),
        ("kev/known_exploited_vulnerabilities.csv.gz", "kev", 1404, None),
        ("epss/epss_scores-head-sample.csv", "epss", 10, None),
    ]
    for rel, src, want, want_vulns in singles:
        path = os.path.join(adv, rel)
        ids, vulns = expected_for(path)
        check(f"{rel}: python count", len(ids[src]), want)
        db = os.path.join(work, "single.sqlite")
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        got = run(medsec, db, "import", path)
        check(f"{rel}: records read", got["sources"][src]["records"], want)
        check(f"{rel}: malformed", got["malformed"], 0)
        st = run(medsec, db, "status")
        check(f"{rel}: stored", st["sources"][src]["records"], len(set(ids[src])))
        if want_vulns is not None:
            check(f"{rel}: CSAF vulnerabilities", st["sources"]["csaf"]["vulnerabilities"], want_vulns)
            check(f"{rel}: python CSAF vulnerabilities", vulns, want_vulns)

    # 1b. the KEV catalog as JSON and as CSV: the same rows, field by field
    rows = {}
    for form in ("json", "csv"):
        db = os.path.join(work, f"kev-{form}.sqlite")
        run(medsec, db, "import", os.path.join(adv, f"kev/known_exploited_vulnerabilities.{form}.gz"))
        con = sqlite3.connect(db)
        rows[form] = con.execute("SELECT cve, vendor, product, name, description, date_added, due_date, "
                                 "ransomware, action, notes, hash FROM kev ORDER BY cve").fetchall()
        con.close()
    check("KEV: CSV rows equal JSON rows", rows["csv"] == rows["json"], True)
    check("KEV: rows", len(rows["csv"]), 1404)

    # 2. everything at once, against Python's walk of the same files
    want = {s: [] for s in ("osv", "nvd", "csaf", "kev", "epss")}
    want_csaf_vulns = 0
    for root, dirs, files in os.walk(adv):
        dirs.sort()
        for f in sorted(files):
            ids, vulns = expected_for(os.path.join(root, f))
            for s in want:
                want[s].extend(ids[s])
            want_csaf_vulns += vulns
    db = os.path.join(work, "all.sqlite")
    first = run(medsec, db, "import", adv)
    st1 = run(medsec, db, "status")
    for s in want:
        check(f"all: {s} records read", first["sources"][s]["records"], len(want[s]))
        check(f"all: {s} stored (distinct ids)", st1["sources"][s]["records"], len(set(want[s])))
    check("all: CSAF vulnerabilities", st1["sources"]["csaf"]["vulnerabilities"], want_csaf_vulns)
    check("all: KEV entries (JSON and CSV catalog stored once)", st1["sources"]["kev"]["records"], 1404)

    # 2b. the key filters the matcher reads cover every distinct key of their tables
    con = sqlite3.connect(db)
    want_keys = {
        "cpe": con.execute("SELECT count(DISTINCT key) FROM cpe_match").fetchone()[0],
        "purl": con.execute("SELECT count(*) FROM (SELECT DISTINCT purl_type, purl_ns, purl_name FROM affected)").fetchone()[0],
        "product": con.execute("SELECT count(DISTINCT lower(product)) FROM affected WHERE product IS NOT NULL").fetchone()[0],
    }
    last = con.execute("SELECT value FROM meta WHERE key = 'last_import'").fetchone()[0]
    got_keys = {n: (k, stamp == last) for n, k, stamp in con.execute("SELECT name, keys, stamp FROM filter")}
    con.close()
    check("key filters: keys per filter, stamped with the last import",
          got_keys, {n: (k, True) for n, k in want_keys.items()})

    # 2c. the identities (alias merge), recomputed here from the stored names and aliases: a union
    # of the entries' names in the database's order, never joining two sets that each hold a CVE;
    # a set's name is its CVE, else its smallest name. Every entry and alias must have its set's
    # identity (a first import stores entries with their own name's identity and rewrites the rest).
    con = sqlite3.connect(db)
    parent, cve = {}, {}

    def add(n):
        if n not in parent:
            parent[n] = n
            cve[n] = n if n.startswith("CVE-") else None

    def find(n):
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    entry_name = {}
    for eid, name in con.execute("SELECT id, name FROM entry ORDER BY id"):
        add(name)
        entry_name[eid] = name
    for eid, name in con.execute("SELECT entry, name FROM entry_alias ORDER BY entry, name"):
        if eid not in entry_name:
            continue
        add(name)
        a, b = find(entry_name[eid]), find(name)
        if a == b or (cve[a] and cve[b]):
            continue
        parent[b] = a
        cve[a] = cve[a] or cve[b]
    canon = {}
    for n in parent:
        r = find(n)
        canon[r] = cve[r] if cve[r] else min(canon.get(r, n), n)
    got_entry = dict(con.execute("SELECT e.id, v.name FROM entry e JOIN vuln v ON v.id = e.vuln"))
    got_alias = dict(con.execute("SELECT a.name, v.name FROM alias a JOIN vuln v ON v.id = a.vuln"))
    n_vuln = con.execute("SELECT count(*) FROM vuln").fetchone()[0]
    con.close()
    check("identities: every entry has its set's name",
          sum(1 for e, n in entry_name.items() if got_entry.get(e) != canon[find(n)]), 0)
    check("identities: every name has its set's name",
          sum(1 for n in parent if got_alias.get(n) != canon[find(n)]), 0)
    check("identities: one per set", n_vuln, len(canon))

    # 3. re-import: nothing added or updated, every count the same
    again = run(medsec, db, "import", adv)
    for s in want:
        check(f"re-import: {s} added", again["sources"][s]["added"], 0)
        check(f"re-import: {s} updated", again["sources"][s]["updated"], 0)
    st2 = run(medsec, db, "status")
    for k in ("sources", "cpe_matches", "cpe_nodes", "vulnerabilities", "aliases", "needs_review"):
        check(f"re-import: status {k} unchanged", st2[k], st1[k])

    if keep and not FAILURES:
        # checkpoint the WAL so the one file is the whole database, then hand it over
        subprocess.run([medsec, "db", "status", "--db", db], capture_output=True)
        for f in (keep, keep + "-wal", keep + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.replace(db + suffix, keep + suffix)
    shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} checks failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
