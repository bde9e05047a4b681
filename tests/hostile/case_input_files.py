"""case_input_files.py: files that are almost what they should be (issue 9, item 19).

An EPSS CSV saved with a UTF-8 byte order mark was not recognised as EPSS; a .gz with bytes after its
gzip data was skipped whole (the data before them is complete and checked: it is read, the rest
ignored with a warning, and several members in a row are read as gzip -d reads them); an empty
CycloneDX bom-ref was replaced without a word (now a warning naming the component)."""

import gzip
import json
import zlib

from hostile import Suite

s = Suite()

EPSS = ("#model_version:v2026.06.15,score_date:2026-09-29T12:00:22Z\n"
        "cve,epss,percentile\n"
        "CVE-2099-0001,0.03351,0.88255\n"
        "CVE-2099-0002,0.5,0.9\n")
MORE = "CVE-2099-0003,0.25,0.5\n"


def imported(name, folder, epss, stderr_has=None, stderr_lacks=None):
    """Import @folder into a new database: exit 0, @epss EPSS rows, no malformed record."""
    db = s.path("db-%d.sqlite" % s.count)
    p = s.run(name, ["db", "import", "--json", "--db", db, folder], 0, stderr_has=stderr_has,
              stderr_lacks=stderr_lacks)
    if p is not None and p.returncode == 0:
        out = json.loads(p.stdout)
        got = out["sources"]["epss"]["records"]
        s.check(name + ": %d EPSS rows" % epss, got == epss and out["malformed"] == 0,
                "%d EPSS rows, %d malformed" % (got, out["malformed"]))


# ---- an EPSS CSV with a byte order mark -------------------------------------------------------

s.write("plain/epss.csv", EPSS)
imported("EPSS CSV", "plain", 2)
s.write("bom/epss.csv", b"\xef\xbb\xbf" + EPSS.encode())
imported("EPSS CSV with a UTF-8 BOM", "bom", 2, stderr_lacks="warning")
s.write("bom-crlf/epss.csv", b"\xef\xbb\xbf" + EPSS.replace("\n", "\r\n").split("\r\n", 1)[1].encode())
imported("EPSS CSV with a BOM, no comment line, CR LF", "bom-crlf", 2, stderr_lacks="warning")

# ---- .gz: members in a row, and bytes after the gzip data -------------------------------------

s.write("members/epss.csv.gz", gzip.compress(EPSS.encode()) + gzip.compress(MORE.encode()))
imported("a .gz of two members is read whole", "members", 3, stderr_lacks="warning")
s.write("garbage/epss.csv.gz", gzip.compress(EPSS.encode()) + b"garbage\n")
imported("a .gz with garbage after its data keeps the data", "garbage", 2,
         stderr_has="garbage/epss.csv.gz: warning: 8 bytes after the gzip data are not gzip; ignored")
s.write("zeros/epss.csv.gz", gzip.compress(EPSS.encode()) + bytes(4096))
imported("a .gz padded with zeros keeps the data", "zeros", 2,
         stderr_has="zeros/epss.csv.gz: warning: 4096 bytes after the gzip data are not gzip; ignored")
# a zlib stream is not a gzip member: not read, whatever it holds
s.write("zlib/epss.csv.gz", gzip.compress(EPSS.encode()) + zlib.compress(MORE.encode()))
imported("a zlib stream after the gzip data is not read", "zlib", 2,
         stderr_has="bytes after the gzip data are not gzip; ignored")

# ---- an empty bom-ref -------------------------------------------------------------------------

s.write("empty-ref.cdx.json", '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [\n'
        ' {"bom-ref": "", "name": "widgetlib", "version": "1.0.2j"}]}\n')
s.run("an empty bom-ref is a warning naming the component", ["sbom", "empty-ref.cdx.json"], 0,
      stderr_has="empty-ref.cdx.json:2:14: warning: component 'widgetlib' has an empty bom-ref; "
                 "given a generated one", stdout_has="medsec-ref-1")
s.done()
