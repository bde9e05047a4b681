#!/usr/bin/python3
"""update_test.py: `medsec db update` against the loopback mirror (mirror.py) of ../shared/data:
first run downloads and imports every feed (NVD in pages, KEV after a 503 retry), the second run is
answered 304 / unchanged and imports nothing new.

usage: update_test.py MEDSEC_BINARY SHARED_DATA_DIR WORK_DIR
Exit 77 (skip) when the shared data is absent."""
import json
import os
import shutil
import subprocess
import sys
import time

FAILURES = []


def check(what, got, want):
    print(f"{'ok' if got == want else 'FAIL':4} {what}: got {got}, want {want}")
    if got != want:
        FAILURES.append(what)


def main():
    medsec, shared, work = sys.argv[1:4]
    if not os.path.isdir(os.path.join(shared, "advisories")):
        print("skip: shared data not found")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    portfile = os.path.join(work, "port")
    here = os.path.dirname(os.path.abspath(__file__))
    server = subprocess.Popen(["/usr/bin/python3", os.path.join(here, "mirror.py"), shared, portfile, "300"])
    try:
        for _ in range(600):
            if os.path.exists(portfile) or server.poll() is not None:
                break
            time.sleep(0.1)
        if not os.path.exists(portfile):
            print("mirror did not start")
            return 1
        port = open(portfile).read().strip()
        db = os.path.join(work, "v.sqlite")
        cmd = [medsec, "db", "update", "--db", db, "--mirror", f"http://127.0.0.1:{port}",
               "--ecosystems", "Go,crates.io", "--page-size", "5", "--delay-ms", "0", "--retries", "2", "--json"]

        p = subprocess.run(cmd, capture_output=True, text=True)
        check("first update exit code", p.returncode, 0)
        if p.returncode:
            print(p.stderr)
            return 1
        r = json.loads(p.stdout)
        s = r["sources"]
        check("OSV records (Go 4291 + crates.io 1206)", s["osv"]["added"], 4291 + 1206)
        check("NVD API 2.0 records", s["nvd"]["added"], 23)
        check("NVD pages of 5", r["nvd_pages"], 5)
        check("CSAF ICSMA documents", s["csaf"]["added"], 144)
        check("KEV entries (after one 503)", s["kev"]["added"], 1404)
        check("EPSS rows", s["epss"]["added"], 10)
        # 2 zips + provider metadata + index + 144 documents + 5 NVD pages + KEV + EPSS
        check("downloads", r["downloaded"], 2 + 1 + 1 + 144 + 5 + 1 + 1)
        check("failed downloads", r["failed"], 0)
        check("nothing malformed", r["malformed"], 0)

        st = json.loads(subprocess.run([medsec, "db", "status", "--db", db, "--json"], capture_output=True,
                                       text=True, check=True).stdout)
        check("status: CSAF vulnerabilities", st["sources"]["csaf"]["vulnerabilities"], 433)
        check("status: KEV", st["sources"]["kev"]["records"], 1404)
        check("status: last update recorded", st["last_update"] is not None, True)

        # second run: conditional requests answer 304; the NVD pages come again but are unchanged
        p = subprocess.run(cmd, capture_output=True, text=True)
        check("second update exit code", p.returncode, 0)
        r = json.loads(p.stdout)
        check("second run: not modified (2 zips, 144 documents, KEV, EPSS)", r["not_modified"], 2 + 144 + 1 + 1)
        for src in ("osv", "nvd", "csaf", "kev", "epss"):
            check(f"second run: {src} added", r["sources"][src]["added"], 0)
            check(f"second run: {src} updated", r["sources"][src]["updated"], 0)
        check("second run: NVD records unchanged", r["sources"]["nvd"]["unchanged"], 23)

        # an unreachable mirror: every download fails, exit code 3, the database is untouched
        p = subprocess.run([medsec, "db", "update", "--db", db, "--mirror", "http://127.0.0.1:1",
                            "--ecosystems", "Go", "--delay-ms", "0", "--retries", "1"], capture_output=True, text=True)
        check("unreachable mirror exit code", p.returncode, 3)
        st2 = json.loads(subprocess.run([medsec, "db", "status", "--db", db, "--json"], capture_output=True,
                                        text=True, check=True).stdout)
        check("unreachable mirror: counts unchanged", st2["sources"], st["sources"])
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} checks failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
