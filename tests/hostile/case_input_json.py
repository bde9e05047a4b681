"""case_input_json.py: JSON that different readers read differently (issue 9, items 1 and 3).

An object with a key twice: RFC 8259 leaves its meaning open, jq and Python keep the last value, a
reader that keeps the first saw `"components": []` and scanned an SBOM with 24 components as 0
findings. A "\\u0000" escape: a C string made from the value ends there ("1.5\\0junk" read as "1.5").
Both are refused where the JSON is read: an SBOM is an input error (exit 2) at file:line:column; an
advisory record is malformed (a warning naming the position, the record skipped, the rest imported)."""

import json

from hostile import Suite

s = Suite()
M = s.medsec

# ---- the database of the scan tests, and an SBOM that has findings in it ---------------------

db = s.path("scan.sqlite")
s.run("the scan tests' advisories import", ["db", "import", "--db", db,
                                            s.root + "/tests/scan/data/advisories"], 0)
with open(s.root + "/tests/scan/data/sbom/device.cdx.json") as f:
    device = f.read()
s.write("device.cdx.json", device)
s.run("the SBOM as it is has findings", ["scan", "--db", db, "device.cdx.json"], 1,
      stdout_has="10 findings")

# ---- item 1: an SBOM with "components" twice --------------------------------------------------

# `"components": [],` on a line of its own before the real list
head, tail = device.split('"components": [', 1)
dup = head + '"components": [],\n "components": [' + tail
line = head.count("\n") + 2  # the real "components" is on the line after the empty one
col = len(head) - head.rfind("\n")  # as indented as before (1-based)
s.write("dup.cdx.json", dup)
msg = 'dup.cdx.json:%d:2: error: duplicate key "components" in object (first at line %d, column %d)' % (
    line, line - 1, col)
s.run("scan: an SBOM with \"components\" twice is an input error", ["scan", "--db", db, "dup.cdx.json"],
      2, stderr_has=msg, stdout_lacks="findings")
s.run("sbom: the same", ["sbom", "dup.cdx.json"], 2, stderr_has=msg)

# a key twice deep inside: a component's "version"
doc = '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [\n' \
      ' {"name": "widgetlib", "version": "1.0.2k", "version": "1.0.2j"}]}\n'
s.write("dup-version.cdx.json", doc)
s.run("sbom: a component with \"version\" twice", ["sbom", "dup-version.cdx.json"], 2,
      stderr_has='dup-version.cdx.json:2:45: error: duplicate key "version" in object '
                 '(first at line 2, column 24)')

# ---- item 3: NUL in SBOM strings --------------------------------------------------------------

NUL = "\\u0000 (a NUL character) in a string; not accepted"
s.write("nul-spec.cdx.json", '{"bomFormat": "CycloneDX", "specVersion": "1.5\\u0000junk"}\n')
s.run("sbom: a specVersion with \\u0000", ["sbom", "nul-spec.cdx.json"], 2,
      stderr_has="nul-spec.cdx.json:1:47: error: " + NUL)
s.write("nul-name.cdx.json", '{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [\n'
        ' {"name": "widgetlib\\u0000-not-really", "version": "1.0.2j",'
        ' "cpe": "cpe:2.3:a:acme:widgetlib:1.0.2j:*:*:*:*:*:*:*"}]}\n')
s.run("scan: a component name with \\u0000", ["scan", "--db", db, "nul-name.cdx.json"], 2,
      stderr_has="nul-name.cdx.json:2:21: error: " + NUL, stdout_lacks="findings")
s.write("nul-ref.spdx.json", '{"spdxVersion": "SPDX-2.3", "packages": [\n'
        ' {"SPDXID": "SPDXRef-a\\u0000b", "name": "a"}]}\n')
s.run("sbom: an SPDXID with \\u0000", ["sbom", "nul-ref.spdx.json"], 2,
      stderr_has="nul-ref.spdx.json:2:23: error: " + NUL)

# ---- advisories: a malformed record is skipped with a warning, the others imported ------------


def osv(vid, affected):
    return ('{"schema_version": "1.6.0", "id": "%s", "modified": "2026-01-01T00:00:00Z",\n'
            ' "published": "2026-01-01T00:00:00Z",\n'
            ' "affected": %s}\n' % (vid, affected))


AFFECTED = ('[{"package": {"ecosystem": "npm", "name": "hostile-pkg"},'
            ' "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "9.0.0"}]}]}]')
s.write("adv/GOOD-1.json", osv("GOOD-1", AFFECTED))
# "affected": [] first: a first-wins reader stores a record that affects nothing
s.write("adv/DUP-1.json", osv("DUP-1", '[],\n "affected": ' + AFFECTED))
s.write("adv/NUL-1.json", osv("NUL-1\\u0000", AFFECTED))
s.write("adv/kev.json", '{"catalogVersion": "2026.01.01", "vulnerabilities": [\n'
        ' {"cveID": "CVE-2099-0001", "cveID": "CVE-2099-9999", "vendorProject": "a", "product": "b",'
        ' "dateAdded": "2026-01-01"}]}\n')
adb = s.path("adv.sqlite")
p = s.run("import: records with a key twice or a NUL are malformed, the rest imported",
          ["db", "import", "--json", "--db", adb, "adv"], 0,
          stderr_has=['adv/DUP-1.json:4:2: warning: duplicate key "affected" in object (first at '
                      'line 3, column 2); record skipped',
                      "adv/NUL-1.json:1:41: warning: " + NUL + "; record skipped",
                      'adv/kev.json:2:29: warning: duplicate key "cveID" in object (first at line 2, '
                      'column 3); record skipped'])
if p is not None and p.returncode == 0:
    out = json.loads(p.stdout)
    s.check("import: 1 OSV record, 3 malformed", out["sources"]["osv"]["records"] == 1 and
            out["malformed"] == 3, p.stdout[:400])
s.done()
