#!/usr/bin/python3
"""case_db_corrupt.py: damaged database files (issue 9, items 2 and 19). For each kind of damage:
`db status` either fails (exit 2, saying the file is damaged or not a database) or shows exactly the
counts the sound file had, never other ones; `db check` reports the damage (exit 1, or exit 2 for a
file that is no database at all); `scan` never reports on a damaged file as if it were sound."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import Suite  # noqa: E402


def run_any(s, name, args):
    """Run medsec with @args whatever its exit code; a sanitizer report fails case @name."""
    env = dict(os.environ, NO_COLOR="1", MEDSEC_NOW="2026-11-28T00:00:00Z")
    r = subprocess.run([s.medsec, *args], capture_output=True, env=env, timeout=120, cwd=s.dir)
    err = r.stderr.decode(errors="replace")
    if "Sanitizer" in err or "runtime error:" in err:
        s.fail(name, "sanitizer report: " + err[-600:])
    return r


def main():
    s = Suite()
    good = s.path("good.sqlite")
    s.run("import the small advisories", ["db", "import", "--db", good,
                                          os.path.join(s.root, "tests/scan/data/advisories")], 0)
    with sqlite3.connect(good) as c:
        c.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
    st = s.run("status of the sound file", ["db", "status", "--db", good, "--json"], 0)
    want = json.loads(st.stdout)
    s.run("check of the sound file", ["db", "check", "--db", good], 0, stdout_has="ok: the file is sound")
    sbom = os.path.join(s.root, "tests/scan/data/sbom/device.cdx.json")
    sound = run_any(s, "scan of the sound file", ["scan", "--db", good, sbom])
    size = os.path.getsize(good)
    with open(good, "rb") as fh:  # the file's own page size (header offset 16, big-endian; 1 = 65536)
        fh.seek(16)
        page = int.from_bytes(fh.read(2), "big")
    page = 65536 if page == 1 else page

    def damaged(name, how):
        p = s.path(name + ".sqlite")
        shutil.copyfile(good, p)
        how(p)
        return p

    def patch(offset, data):
        def f(p):
            with open(p, "r+b") as fh:
                fh.seek(offset)
                fh.write(data)
        return f

    def sql(stmt):
        def f(p):
            with sqlite3.connect(p) as c:
                c.executescript(stmt)
        return f

    def truncate(n):
        def f(p):
            with open(p, "r+b") as fh:
                fh.truncate(n)
        return f

    cases = [
        # (name, damage, check exit, what check or the error says)
        ("truncated to half", truncate(size // 2), (1, 2), ["damaged", "integrity", "malformed"]),
        ("truncated to one page", truncate(page), (1, 2), ["damaged", "integrity", "malformed", "cannot be read"]),
        ("header zeroed", patch(0, b"\0" * 100), (2,), ["not a database"]),
        ("page 2 overwritten", patch(page, b"\xa5" * page), (1, 2), ["damaged", "integrity", "malformed"]),
        ("last page overwritten", patch(size - page, b"\x5a" * page), (1, 2), ["damaged", "integrity", "malformed"]),
        ("page size field broken", patch(16, b"\x00\x03"), (2,), ["not a database", "malformed"]),
        ("schema from a newer medsec", sql("PRAGMA user_version = 99"), (2,), ["newer than this medsec"]),
        ("orphaned entries", sql("DELETE FROM advisory WHERE source = 'osv'"), (1,), ["belong to no advisory"]),
        ("a table dropped", sql("DROP TABLE cpe_node"), (1,), ["cannot be read"]),
        ("key filter zeroed", sql("UPDATE filter SET bits = zeroblob(length(bits))"), (1,), ["key filter hides"]),
        ("last import erased", sql("DELETE FROM meta WHERE key = 'last_import'"), (1,),
         ["no import into this database has completed"]),
        ("a time in the future", sql("UPDATE advisory SET modified = '9999-01-01T00:00:00Z'"), (1,),
         ["lies after tomorrow"]),
        ("identities erased", sql("DELETE FROM vuln"), (1,), ["no merged identity"]),
    ]
    for name, how, check_exits, says in cases:
        p = damaged(name.replace(" ", "-"), how)
        r = run_any(s, "%s: db check" % name, ["db", "check", "--db", p])
        out = (r.stdout + r.stderr).decode(errors="replace")
        s.check("%s: db check exit %s" % (name, check_exits), r.returncode in check_exits,
                "exit %d: %s" % (r.returncode, out[-400:]))
        s.check("%s: db check names it" % name, any(w in out for w in says), out[-400:])
        r = run_any(s, "%s: db status" % name, ["db", "status", "--db", p, "--json"])
        if r.returncode == 0:
            got = json.loads(r.stdout)
            # what status shows of a damaged file is either refused or the truth of what is left
            if name in ("orphaned entries", "identities erased"):
                continue
            s.check("%s: db status counts are the sound file's" % name,
                    got["sources"] == want["sources"], "%s != %s" % (got["sources"], want["sources"]))
        else:
            s.check("%s: db status fails with exit 2 or 3" % name, r.returncode in (2, 3),
                    "exit %d" % r.returncode)
        r = run_any(s, "%s: scan" % name, ["scan", "--db", p, sbom])
        if name in ("orphaned entries", "key filter zeroed", "a time in the future", "identities erased",
                    "a table dropped"):
            continue  # still a database medsec can read; db check is what finds these
        # refused, or (damage in pages the scan does not read, such as the planner's statistics)
        # exactly the sound file's report
        s.check("%s: scan refuses or reports what the sound file gives" % name,
                r.returncode in (2, 3) or (r.returncode == sound.returncode and r.stdout == sound.stdout),
                "exit %d" % r.returncode)
    # not a file at all: a FIFO would hold SQLite for ever, a folder cannot be opened
    fifo = s.path("fifo.sqlite")
    os.mkfifo(fifo)
    folder = s.path("folder.sqlite")
    os.mkdir(folder)
    for what, p in (("a FIFO", fifo), ("a folder", folder)):
        for sub in (["status"], ["check"], ["import", os.path.join(s.root, "tests/db/data/kev")]):
            s.run("%s as the database: db %s" % (what, sub[0]), ["db", sub[0], "--db", p, *sub[1:]], 2,
                  timeout=20)
        s.run("%s as the database: scan" % what, ["scan", "--db", p, sbom], 2, timeout=20)
    s.done()


if __name__ == "__main__":
    main()
