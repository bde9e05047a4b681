"""case_files_output.py: what medsec writes (issue 9, items 8, 12, 13, 14 and 19). `-o FILE` refuses
a symbolic link, a FIFO or a device node and keeps the mode of the file it replaces; control
characters from SBOMs, device files and file names are escaped in text for people; CSV cells that
a spreadsheet would run as a formula are neutralised; SARIF artifact URIs are percent-encoded; a
--db that is not a regular file is refused without blocking."""

import csv
import io
import json
import os
import stat

from hostile import Suite

s = Suite()
with open(os.path.join(s.root, "tests", "model", "minimal", "device.yaml")) as f:
    BASE = f.read()

ESC, BEL, CSI8 = "\x1b", "\x07", "\u009b"

# ---- item 12: -o FILE ------------------------------------------------------------------------

target = s.write("out/target.json", "precious\n")
os.symlink("target.json", s.path("out", "link.json"))
s.run("-o onto a symbolic link is refused", ["validate", "--schema", "-o", s.path("out", "link.json")], 2,
      stderr_has="not a regular file")
s.check("the link is still a link", os.path.islink(s.path("out", "link.json")))
with open(target) as f:
    s.check("the link's target is unchanged", f.read() == "precious\n")

os.mkfifo(s.path("out", "fifo"))
s.run("-o onto a FIFO is refused", ["validate", "--schema", "-o", s.path("out", "fifo")], 2,
      stderr_has="not a regular file", timeout=20)
s.check("the FIFO is still a FIFO", stat.S_ISFIFO(os.lstat(s.path("out", "fifo")).st_mode))

os.makedirs(s.path("out", "dir"))
s.run("-o onto a folder is refused", ["validate", "--schema", "-o", s.path("out", "dir")], 2,
      stderr_has="not a regular file")

if os.geteuid() == 0:
    try:
        os.mknod(s.path("out", "null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:
        pass
    else:
        s.run("-o onto a device node is refused (root)",
              ["validate", "--schema", "-o", s.path("out", "null")], 2, stderr_has="not a regular file")
        s.check("the device node is still one", stat.S_ISCHR(os.lstat(s.path("out", "null")).st_mode))

private = s.write("out/private.json", "old\n", mode=0o600)
s.run("-o replaces a 0600 file", ["validate", "--schema", "-o", private], 0)
mode = stat.S_IMODE(os.stat(private).st_mode)
s.check("-o keeps the mode 0600", mode == 0o600, "mode is %o" % mode)
s.write("out/group.json", "old\n", mode=0o640)
s.run("-o replaces a 0640 file", ["validate", "--schema", "-o", s.path("out", "group.json")], 0)
mode = stat.S_IMODE(os.stat(s.path("out", "group.json")).st_mode)
s.check("-o keeps the mode 0640", mode == 0o640, "mode is %o" % mode)

# ---- item 13: control characters in text for people ------------------------------------------

HOSTILE = ESC + "]0;pwned" + BEL + ESC + "[2J" + CSI8 + "31m"


def sbom(path, name, purl=None):
    comp = {"type": "library", "bom-ref": "lib", "name": name, "version": "1.0.0"}
    if purl:
        comp["purl"] = purl
    return s.write(path, json.dumps({
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "metadata": {"component": {"type": "firmware", "name": "fw" + ESC + "[1m", "version": "1.0",
                                   "bom-ref": "subject"}},
        "components": [comp]}))


def clean(name, p, where=("stdout", "stderr")):
    if p is None:
        return
    for w in where:
        raw = getattr(p, w)
        s.check("%s: no control characters on %s" % (name, w),
                not any(b < 0x20 and b not in (0x0a,) or b == 0x7f for b in raw)
                and b"\xc2\x9b" not in raw and b"\x9b" not in raw,
                "raw output: %r" % raw[-300:])


f = sbom("esc/sbom.json", "lib" + HOSTILE)
p = s.run("sbom table with escapes in names", ["sbom", f], 0,
          stdout_has=["lib\\x1b]0;pwned\\x07\\x1b[2J\\u009b31m", "fw\\x1b[1m"])
clean("sbom table", p)
p = s.run("sbom --json keeps the JSON escapes", ["sbom", "--json", f], 0, stdout_has="\\u001b]0;pwned")

text = BASE.replace("  name: Example Monitor", '  name: "Example \\e]0;pwned\\a Monitor"', 1)
text = text.replace("    name: Monitor application", '    name: "Monitor \\e[2J app"', 1)
s.write("esc-device/device.yaml", text)
# (risk exits 1: the small file's residual risks above the acceptable region carry no
# justification, docs/risk.md; the output is what is checked here)
for cmd in ("show", "threats", "risk", "validate"):
    p = s.run("%s text with escapes in device.yaml" % cmd, [cmd, s.path("esc-device")],
              1 if cmd == "risk" else 0)
    clean(cmd, p)
p = s.run("show prints the escaped name", ["show", s.path("esc-device")], 0,
          stdout_has="Example \\x1b]0;pwned\\x07 Monitor")

# a diagnostic quoting a key with escapes, in a folder whose name has escapes and a bad byte
bad_dir = os.path.join(os.fsencode(s.dir), b"dev\x1b[2J\x9b")
os.makedirs(bad_dir)
with open(os.path.join(bad_dir, b"device.yaml"), "w") as f:
    f.write(BASE + '"\\e[31mcolour\\u009b": 1\n')
p = s.run("diagnostics with escapes in the key and the folder name", ["validate", bad_dir], 2,
          stderr_has=["dev\\x1b[2J\\x9b/device.yaml:", "\\x1b[31mcolour\\u009b"])
clean("diagnostics", p)
p = s.run("errors with escapes in the folder name", ["show", os.path.join(bad_dir, b"missing")], 2,
          stderr_has="dev\\x1b[2J\\x9b")
clean("errors", p)

# ---- item 14: CSV formula injection ----------------------------------------------------------

text = BASE + """threats:
  - id: T-1
    title: '=HYPERLINK("http://example.invalid/?x","click")'
    elements: [monitor-app]
    stride: [tampering]
    exploitability: high
    controls: [c-tls]
  - id: T-2
    title: "@SUM(1+1)*cmd|' /C calc'!A0"
    elements: [f-vitals]
    stride: [spoofing]
  - id: T-3
    title: "+1+2"
    elements: [f-vitals]
    stride: [repudiation]
  - id: T-4
    title: "-2+3"
    elements: [f-vitals]
    stride: [denial_of_service]
  - id: T-5
    title: "\\tTab first"
    elements: [f-vitals]
    stride: [information_disclosure]
"""
s.write("csv-device/device.yaml", text)
p = s.run("risk --csv", ["risk", "--csv", s.path("csv-device")], 1)  # open risks: exit 1
if p is not None and p.returncode == 1:
    rows = list(csv.reader(io.StringIO(p.stdout.decode())))
    bad = [c for r in rows for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    s.check("no CSV cell starts with = + - @ TAB CR", not bad, "cells: %r" % bad[:5])
    titles = [r[5] for r in rows[1:]]
    s.check("formula cells are kept, behind a quote",
            "'=HYPERLINK(\"http://example.invalid/?x\",\"click\")" in titles and "'-2+3" in titles,
            "titles: %r" % titles)
    s.check("neutralised cells are quoted", b"\"'=HYPERLINK(" in p.stdout and b",\"'-2+3\"," in p.stdout)

# ---- item 19: SARIF artifact URIs --------------------------------------------------------------

db = s.path("sarif.sqlite")
s.write("adv/HOSTILE-1.json", json.dumps({
    "schema_version": "1.6.0", "id": "HOSTILE-1", "modified": "2026-01-01T00:00:00Z",
    "published": "2026-01-01T00:00:00Z", "summary": "hostile test record",
    "affected": [{"package": {"ecosystem": "npm", "name": "hostile-pkg"},
                  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "9.0.0"}]}]}]}))
s.run("import the SARIF test record", ["db", "import", "--db", db, s.path("adv")], 0)
sbom("my sboms/100%#1 ü.cdx.json", "hostile-pkg", "pkg:npm/hostile-pkg@1.0.0")
sbom("a:b.cdx.json", "hostile-pkg", "pkg:npm/hostile-pkg@1.0.0")


def uris(p):
    doc = json.loads(p.stdout)
    return [loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in doc["runs"][0]["results"] for loc in r["locations"]]


p = s.run("scan --sarif, relative paths", ["scan", "--sarif", "--db", db, "my sboms/100%#1 ü.cdx.json",
                                           "a:b.cdx.json"], 1)
if p is not None and p.returncode == 1:
    got = uris(p)
    s.check("relative URIs are percent-encoded and stay relative",
            got == ["my%20sboms/100%25%231%20%C3%BC.cdx.json", "a%3Ab.cdx.json"], "uris: %r" % got)
p = s.run("scan --sarif, an absolute path", ["scan", "--sarif", "--db", db, s.path("a:b.cdx.json")], 1)
if p is not None and p.returncode == 1:
    got = uris(p)
    want = "file://" + s.dir.replace("%", "%25").replace(" ", "%20") + "/a:b.cdx.json"
    s.check("an absolute path is a file URI", got == [want], "uris: %r, want %r" % (got, want))

# ---- item 8: a --db that is not a regular file -------------------------------------------------

os.mkfifo(s.path("db-fifo"))
s.write("plain/device.yaml", BASE)
s.run("scan --db FIFO", ["scan", "--db", s.path("db-fifo"), s.path("a:b.cdx.json")], 2,
      stderr_has="not a regular file", timeout=20)
s.run("risk --db FIFO", ["risk", "--db", s.path("db-fifo"), s.path("plain")], 2,
      stderr_has="not a regular file", timeout=20)
s.run("scan --db folder", ["scan", "--db", s.path("out"), s.path("a:b.cdx.json")], 2,
      stderr_has="not a regular file")

s.done()
