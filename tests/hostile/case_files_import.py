"""case_files_import.py: hostile import trees and tarballs for `medsec db import` (issue 9, items 8,
16 and 17). An empty folder, a symbolic link loop, a dangling link, a link back up the tree and a
FIFO are skipped with a warning, the rest imported; a FIFO named on the command line is refused
without blocking; a tar member whose size field is base-256 (GNU) is read as that size, and one
whose size field is not a number stops the archive, so payload bytes never become members."""

import gzip
import json
import os

from hostile import Suite

s = Suite()


def osv(vid):
    return json.dumps({"schema_version": "1.6.0", "id": vid, "modified": "2026-01-01T00:00:00Z",
                       "published": "2026-01-01T00:00:00Z", "summary": "hostile test record",
                       "affected": [{"package": {"ecosystem": "npm", "name": "hostile-" + vid.lower()},
                                     "ranges": [{"type": "SEMVER",
                                                 "events": [{"introduced": "0"}, {"fixed": "9.0.0"}]}]}]})


def imported(name, args, expect_osv, stderr_has=None, timeout=60):
    """Import @args into a new database; check the exit code 0 and the number of OSV records."""
    db = s.path("db-%d.sqlite" % s.count)
    p = s.run(name, ["db", "import", "--json", "--db", db, *args], 0, stderr_has=stderr_has,
              timeout=timeout)
    if p is not None and p.returncode == 0:
        got = json.loads(p.stdout)["sources"]["osv"]["records"]
        s.check(name + ": %d OSV record(s)" % expect_osv, got == expect_osv,
                "%d OSV records imported" % got)
    return p


# ---- item 16: empty folders, link loops, dangling links --------------------------------------

s.write("tree/a/GOOD-1.json", osv("GOOD-1"))
os.makedirs(s.path("tree", "empty"))
os.makedirs(s.path("tree", "a", "deeper", "empty-too"))
imported("empty folders are walked", [s.path("tree")], 1)

s.write("loops/GOOD-1.json", osv("GOOD-1"))
os.symlink("loop2.json", s.path("loops", "loop1.json"))
os.symlink("loop1.json", s.path("loops", "loop2.json"))
os.symlink("nowhere.json", s.path("loops", "dangling.json"))
os.makedirs(s.path("loops", "sub"))
os.symlink("..", s.path("loops", "sub", "up"))
s.write("loops/z/GOOD-2.json", osv("GOOD-2"))
imported("link loops, a dangling link and a link up the tree are skipped", [s.path("loops")], 2,
         stderr_has=["loop1.json: warning:", "dangling.json: warning: a dangling symbolic link",
                     "up: warning:", "skipped"])

# ---- item 8: FIFOs in an import tree and on the command line ---------------------------------

s.write("fifos/GOOD-1.json", osv("GOOD-1"))
os.mkfifo(s.path("fifos", "blocked.json"))
os.mkfifo(s.path("fifos", "blocked.tar.gz"))
os.mkfifo(s.path("fifos", "blocked.zip"))
imported("FIFOs in an import folder are skipped", [s.path("fifos")], 1,
         stderr_has=["blocked.json: warning:", "not a regular file"], timeout=20)
s.run("a FIFO named on the command line is refused",
      ["db", "import", "--db", s.path("fifo-arg.sqlite"), s.path("fifos", "blocked.json")], 2,
      stderr_has="not a regular file", timeout=20)

# ---- item 17: tar size fields ----------------------------------------------------------------


def header(name, size_field, typeflag=b"0"):
    h = bytearray(512)
    h[0:len(name)] = name.encode()
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = size_field
    h[136:148] = b"00000000000\0"
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def octal(n):
    return b"%011o\0" % n


def member(name, data, size_field=None):
    pad = b"\0" * (-len(data) % 512)
    return header(name, size_field or octal(len(data))) + data + pad


def targz(path, *members):
    raw = b"".join(members) + b"\0" * 1024
    with open(s.path(path), "wb") as f:
        f.write(gzip.compress(raw))
    return s.path(path)


smuggled = member("evil.json", osv("SMUGGLED-1").encode())  # a header and its payload: 1024 bytes
good = member("b.json", osv("GOOD-3").encode())

# GNU base-256: 0x80, then the size big-endian. Read as 0 the payload becomes a member.
b256 = b"\x80" + len(smuggled).to_bytes(11, "big")
t = targz("b256.tar.gz", member("a.json", smuggled, b256), good)
imported("a base-256 size is read as GNU defines it", [t], 1)

# A size field that is not octal: "00000001O00" (letter O). Read as 1, the reader would skip one
# block and find the smuggled header at 512 of the payload.
payload = b"x" * 512 + smuggled
t = targz("badsize.tar.gz", member("a.json", payload, b"00000001O00\0"), good)
imported("a size field that is not a number stops the archive", [t], 0,
         stderr_has=["badsize.tar.gz", "rest of the archive skipped"])

# A header whose checksum does not match is not a header either.
bad = bytearray(member("c.json", osv("GOOD-4").encode()))
bad[148:156] = b"000000\0 "
t = targz("badsum.tar.gz", member("b.json", osv("GOOD-3").encode()), bytes(bad))
imported("a header with a wrong checksum stops the archive", [t], 1,
         stderr_has=["badsum.tar.gz", "checksum", "rest of the archive skipped"])

# A pax header's size record wins over the ustar size field (POSIX pax): with size=1024 in the pax
# header and 0 in the field, the 1024 bytes are the member's, not further members.
body = b" size=%d\n" % len(smuggled)
n = len(body) + 1
while len(str(n)) + len(body) != n:
    n += 1
rec = str(n).encode() + body
pax = header("PaxHeaders/a.json", octal(len(rec)), b"x") + rec + b"\0" * (-len(rec) % 512)
t = targz("pax.tar.gz", pax + header("a.json", octal(0)) + smuggled, good)
imported("a pax size record is the member's size", [t], 1)

s.done()
