#!/usr/bin/python3
"""case_db_kill.py: `medsec db import` killed with SIGKILL at several points, and imports that run
out of disk (a file-size limit), then what the readers see (issue 9, item 2).

A database whose first import never finished must not scan as "0 findings": `db status` warns, `db
check` reports it, `scan` and `risk --db` refuse, each saying how to fix it, and none fails with
"attempt to write a readonly database" (the hot journal of the killed import is rolled back). A
database that had a completed import before keeps exactly what it had."""
import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import Suite  # noqa: E402

UNFINISHED = "no import into this database has completed"
FIX = "medsec db import"


def big_osv_zip(path, n):
    """An OSV zip of @n PyPI records (long enough an import to be killed at several points)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            rec = {
                "id": "PYSEC-2098-%d" % i, "modified": "2024-01-01T00:00:00Z",
                "published": "2023-01-01T00:00:00Z", "aliases": ["CVE-2098-%d" % (10000 + i)],
                "summary": "synthetic record %d for the kill test" % i, "details": "x" * 200,
                "affected": [{"package": {"ecosystem": "PyPI", "name": "kill-pkg-%d" % (i % 5000)},
                              "ranges": [{"type": "ECOSYSTEM",
                                          "events": [{"introduced": "0"}, {"fixed": "1.%d" % i}]}],
                              "versions": ["0.%d" % k for k in range(5)]}],
                "references": [{"type": "WEB", "url": "https://example.org/%d" % i}],
            }
            z.writestr("PYSEC-2098-%d.json" % i, json.dumps(rec))


def start_import(s, db, what, fsize=None):
    def limit():
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    env = dict(os.environ, MEDSEC_NOW="2026-11-28T00:00:00Z", NO_COLOR="1")
    return subprocess.Popen([s.medsec, "db", "import", "--db", db, what], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, preexec_fn=limit)


def kill_after(p, db, ms):
    """Kill @p @ms milliseconds after its database file appeared; True when it was still running."""
    t0 = time.monotonic()
    while not os.path.exists(db) and p.poll() is None and time.monotonic() - t0 < 60:
        time.sleep(0.002)
    time.sleep(ms / 1000.0)
    running = p.poll() is None
    if running:
        p.send_signal(signal.SIGKILL)
    p.communicate()
    return running


def kill_in_commit(p, db):
    """Kill @p while its rollback journal holds pages (the commit is writing the file): what it leaves
    is a hot journal. True when that moment was caught."""
    j = db + "-journal"
    magic = bytes.fromhex("d9d505f920a163d7")  # written when the commit has synced the journal
    while p.poll() is None:
        try:
            with open(j, "rb") as f:
                if f.read(8) == magic and os.path.getsize(db) > (1 << 20):
                    p.send_signal(signal.SIGKILL)
                    break
        except OSError:
            pass
    p.communicate()
    return p.returncode == -signal.SIGKILL and hot_journal(db)


def hot_journal(db):
    try:
        with open(db + "-journal", "rb") as f:
            return f.read(8) == bytes.fromhex("d9d505f920a163d7")
    except OSError:
        return False


def status(s, db):
    p = subprocess.run([s.medsec, "db", "status", "--db", db, "--json"], capture_output=True, text=True,
                       env=dict(os.environ, NO_COLOR="1"))
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 else None), p.stderr


def readers_refuse(s, name, db):
    sbom = os.path.join(s.root, "tests/scan/data/sbom/device.cdx.json")
    device = os.path.join(s.root, "tests/scan/data/monitor")
    if not os.path.exists(db):
        return  # killed before the file was made: "no database" is the readers' answer
    s.run(name + ": db status warns", ["db", "status", "--db", db], 0, stderr_has=[UNFINISHED, FIX],
          stderr_lacks="readonly")
    s.run(name + ": db check reports it", ["db", "check", "--db", db], 1, stdout_has=UNFINISHED,
          stderr_lacks="readonly")
    s.run(name + ": scan refuses", ["scan", "--db", db, sbom], 2, stderr_has=[UNFINISHED, FIX],
          stdout_lacks="0 findings", stderr_lacks="readonly")
    s.run(name + ": risk --db refuses", ["risk", "--db", db, device], 2, stderr_has=[UNFINISHED, FIX],
          stderr_lacks="readonly")


def main():
    s = Suite()
    big = s.path("big.zip")
    big_osv_zip(big, 30000)
    small = os.path.join(s.root, "tests/scan/data/advisories")
    sbom = os.path.join(s.root, "tests/scan/data/sbom/device.cdx.json")

    # The whole of the big import, run to its end: what a killed import that had already committed
    # (it was alive, freeing its memory on the way out) must hold.
    whole = s.path("whole-reference.sqlite")
    s.run("reference: the big import to its end", ["db", "import", "--db", whole, big], 0)
    _, whole_st, _ = status(s, whole)

    # 1. the first import killed at several points
    killed = 0
    for ms in (0, 5, 30, 100, 300, 800, 2000):
        db = s.path("first-%d.sqlite" % ms)
        p = start_import(s, db, big)
        running = kill_after(p, db, ms)
        code, st, err = status(s, db)
        if running and code == 0 and st and st.get("complete") and whole_st:
            s.check("first import killed after %d ms, after its commit: the whole import is there" % ms,
                    st["sources"] == whole_st["sources"], "%s != %s" % (st["sources"], whole_st["sources"]))
        elif running:
            killed += 1
            readers_refuse(s, "first import killed after %d ms" % ms, db)
            # the next import repairs it
            s.run("first import killed after %d ms: import again" % ms, ["db", "import", "--db", db, small], 0)
            s.run("first import killed after %d ms: then scan works" % ms, ["scan", "--db", db, sbom], 1,
                  stderr_lacks=UNFINISHED)
        else:
            code, st, err = status(s, db)
            s.check("first import done before the kill at %d ms: status" % ms, code == 0 and st["last_import"])
    s.check("at least three imports were killed while running", killed >= 3, "killed %d" % killed)
    # killed while the commit writes the file: a hot journal that read-only opens must roll back
    hot = 0
    for i in range(5):
        db = s.path("hot-%d.sqlite" % i)
        if kill_in_commit(start_import(s, db, big), db):
            hot += 1
            readers_refuse(s, "first import killed in its commit (%d)" % i, db)
            s.check("hot journal %d rolled back" % i, not hot_journal(db))
    s.check("at least one import was killed in its commit", hot >= 1, "caught %d" % hot)

    # 2. a database with a completed import keeps it whatever point a later import is killed at.
    # A process that is still alive at the kill may already have committed (it is freeing its memory
    # on the way out): then the file must hold the whole second import, as a reference database that
    # ran both imports to the end does. Anything in between is a failure.
    ref = s.path("second-reference.sqlite")
    s.run("second import: the reference runs both imports", ["db", "import", "--db", ref, small], 0)
    s.run("second import: the reference's second import", ["db", "import", "--db", ref, big], 0)
    _, complete, _ = status(s, ref)
    for ms in (0, 30, 200, 1000):
        db = s.path("second-%d.sqlite" % ms)
        s.run("second import (%d ms): the first completes" % ms, ["db", "import", "--db", db, small], 0)
        code, before, _ = status(s, db)
        scan_before = s.run("second import (%d ms): scan before" % ms, ["scan", "--db", db, sbom], 1)
        p = start_import(s, db, big)
        running = kill_after(p, db, ms)
        code, after, err = status(s, db)
        s.check("second import killed after %d ms: status works" % ms, code == 0 and "readonly" not in err, err)
        if running and after and complete and after["sources"] == complete["sources"] != before["sources"]:
            s.check("second import killed after %d ms, after its commit: the whole import is there" % ms,
                    after.get("last_import") and after.get("complete", True))
        elif running and after:
            s.check("second import killed after %d ms: counts unchanged" % ms,
                    after["sources"] == before["sources"], "%s != %s" % (after["sources"], before["sources"]))
            s.run("second import killed after %d ms: same findings" % ms, ["scan", "--db", db, sbom], 1,
                  stdout_has=scan_before.stdout.decode() if scan_before else None)

    # 3. the disk fills up (a file-size limit) during the first import, and during a later one
    db = s.path("full-first.sqlite")
    p = start_import(s, db, big, fsize=1 << 20)
    out, err = p.communicate()
    s.check("disk full during the first import: it fails with exit 2", p.returncode == 2,
            "exit %d: %s" % (p.returncode, err.decode()[-300:]))
    s.check("disk full during the first import: says so", b"disk" in err or b"full" in err or b"I/O" in err,
            err.decode()[-300:])
    readers_refuse(s, "disk full during the first import", db)
    db = s.path("full-second.sqlite")
    s.run("disk full later: the first import completes", ["db", "import", "--db", db, small], 0)
    code, before, _ = status(s, db)
    p = start_import(s, db, big, fsize=os.path.getsize(db) + (1 << 20))
    p.communicate()
    s.check("disk full during a later import: it fails", p.returncode in (2, 3), "exit %d" % p.returncode)
    code, after, err = status(s, db)
    s.check("disk full during a later import: the database is intact", code == 0 and after
            and after["sources"] == before["sources"], err)

    # 4. a scan while the first import runs never reports "0 findings"
    db = s.path("concurrent.sqlite")
    p = start_import(s, db, big)
    t0 = time.monotonic()
    while not os.path.exists(db + "-journal") and p.poll() is None and time.monotonic() - t0 < 60:
        time.sleep(0.002)
    if p.poll() is None:
        r = subprocess.run([s.medsec, "scan", "--db", db, sbom], capture_output=True, text=True, timeout=60)
        # the import's first transaction is not visible yet (exit 2), or it holds the file (exit 3)
        s.check("scan during the first import refuses", r.returncode in (2, 3) and "findings" not in r.stdout
                and (UNFINISHED in r.stderr or "another process" in r.stderr), "exit %d: %s" % (r.returncode, r.stderr))
    p.kill()
    p.communicate()
    s.done()


if __name__ == "__main__":
    main()
