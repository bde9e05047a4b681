"""case_files_paths.py: the files a device folder names (issue 9, items 5, 8 and 11). A path in
device.yaml that leaves the folder (.., a symbolic link, an absolute path) is refused and never
opened; something that is not a regular file (a FIFO) is refused without blocking; `validate` reads
the threat rule catalogs `threats` reads, and reports their errors with their position."""

import os
import shutil

from hostile import Suite

s = Suite()
with open(os.path.join(s.root, "tests", "model", "minimal", "device.yaml")) as f:
    BASE = f.read()

SBOM = """{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
 "metadata": {"component": {"type": "firmware", "name": "fw", "version": "1.0", "bom-ref": "subject"}},
 "components": [{"type": "library", "bom-ref": "lib", "name": "lib", "version": "1.0"}]}
"""
BROKEN_SBOM = '{"bomFormat": "CycloneDX", "SECRET-SBOM-TEXT" }\n'
# a catalog whose error message quotes its own text ("unknown key ...")
SECRET_RULES = "version: 1\nSECRET_RULE_TEXT: 1\nrules: []\n"
# a catalog with an error at line 6, column 36 (tests/cli/cases/threats-rules-error)
BAD_RULES = """rules:
  - id: site-rule
    title: "Something about {name}"
    kind: data_flow
    stride: I
    when: {encrypted: false, any: {protocol: http}}
"""
OTHER_BAD_RULES = "version: 1\nrules:\n  - id: other\n    colour: blue\n"
GOOD_RULES = "version: 1\nrules: []\n"
RUBRIC_SRC = os.path.join(s.root, "examples", "infusion-pump", "rubric", "ble-service-reconfiguration.yaml")
with open(RUBRIC_SRC) as f:
    RUBRIC = f.read()

# Files outside every device folder, each with text that must never reach the output.
s.write("outside/sbom.json", SBOM)
s.write("outside/broken-sbom.json", BROKEN_SBOM)
s.write("outside/rules.yaml", SECRET_RULES)
s.write("outside/report.md", "SECRET REPORT\n")
s.write("outside/rubric.yaml", RUBRIC)


def device(name, extra="", item_extra=""):
    """A device folder @name: the minimal file, @item_extra added to its first item, @extra at the
    end."""
    text = BASE.replace("    zone: device\n", "    zone: device\n" + item_extra, 1) + extra
    s.write(name + "/device.yaml", text)
    return s.path(name)


# ---- item 11: paths that leave the device folder -----------------------------------------------

d = device("dotdot-sbom", item_extra="    sbom: ../outside/sbom.json\n")
s.run("sbom path with .. is refused", ["validate", d], 2,
      stderr_has=["device.yaml:", "'sbom'", "outside the device folder"], stdout_lacks="valid")

d = device("link-sbom", item_extra="    sbom: sbom/link.json\n")
os.makedirs(s.path("link-sbom", "sbom"))
os.symlink(os.path.join("..", "..", "outside", "broken-sbom.json"), s.path("link-sbom", "sbom", "link.json"))
s.run("sbom symlink out of the folder is refused, never parsed", ["validate", d], 2,
      stderr_has="outside the device folder", stderr_lacks=["SECRET", "cannot be used"])

d = device("abs-sbom", item_extra="    sbom: %s\n" % s.path("outside", "broken-sbom.json"))
s.run("absolute sbom path is refused and not loaded", ["validate", d], 2,
      stderr_has="must be a path relative to the device folder",
      stderr_lacks=["SECRET", "cannot be used"])

d = device("dotdot-rules", extra="threat_rules: [../outside/rules.yaml]\n")
for cmd in ("validate", "threats"):
    s.run("rules path with .. is refused (%s)" % cmd, [cmd, d], 2,
          stderr_has="outside the device folder", stderr_lacks="SECRET")

d = device("link-rules", extra="threat_rules: [rules.yaml]\n")
os.symlink(os.path.join("..", "outside", "rules.yaml"), s.path("link-rules", "rules.yaml"))
for cmd in ("validate", "threats", "risk"):
    s.run("rules symlink out of the folder is refused (%s)" % cmd, [cmd, d], 2,
          stderr_has="outside the device folder", stderr_lacks="SECRET")

d = device("dotdot-evidence", extra="""evidence:
  - id: ev-1
    title: Report
    kind: document
    result: pass
    file: ../outside/report.md
    verifies: [c-tls]
""")
s.run("evidence path with .. is refused", ["validate", d], 2,
      stderr_has=["'file'", "outside the device folder"])

d = device("dotdot-rubric", extra="""threats:
  - id: T-1
    title: A threat
    elements: [monitor-app]
    stride: [tampering]
    rubric: ../outside/rubric.yaml
""")
s.run("rubric path with .. is refused", ["validate", d], 2,
      stderr_has=["'rubric'", "outside the device folder"])

# a link that stays inside the folder, and .. that comes back in, are fine
d = device("inside-link", item_extra="    sbom: sbom/link.json\n", extra="threat_rules: [rules/../rules.yaml]\n")
s.write("inside-link/data/real.json", SBOM)
s.write("inside-link/rules.yaml", GOOD_RULES)
os.makedirs(s.path("inside-link", "sbom"))
os.symlink(os.path.join("..", "data", "real.json"), s.path("inside-link", "sbom", "link.json"))
os.makedirs(s.path("inside-link", "rules"))
s.run("links and .. inside the folder are followed", ["validate", d], 0, stdout_has="valid")
s.run("links and .. inside the folder are followed (threats)", ["threats", d], 0)

# ---- item 8: a FIFO where a file is expected ---------------------------------------------------

d = s.path("fifo-device")
os.makedirs(d)
os.mkfifo(os.path.join(d, "device.yaml"))
s.run("device.yaml as a FIFO", ["validate", d], 2, stderr_has="not a regular file", timeout=20)
s.run("device.yaml as a FIFO (show)", ["show", d], 2, stderr_has="not a regular file", timeout=20)

d = device("fifo-sbom", item_extra="    sbom: sbom.json\n")
os.mkfifo(s.path("fifo-sbom", "sbom.json"))
s.run("an SBOM that is a FIFO", ["validate", d], 2,
      stderr_has=["'sbom'", "not a regular file"], timeout=20)

d = device("fifo-rules", extra="threat_rules: [rules.yaml]\n")
os.mkfifo(s.path("fifo-rules", "rules.yaml"))
s.run("a rules catalog that is a FIFO", ["validate", d], 2, stderr_has="not a regular file",
      timeout=20)

os.mkfifo(s.path("fifo"))
s.run("--rules FIFO", ["threats", "--rules", s.path("fifo"), device("plain")], 2,
      stderr_has="not a regular file", timeout=20)
s.run("sbom FIFO", ["sbom", s.path("fifo")], 2, stderr_has="not a regular file", timeout=20)
s.run("cvss rubric FIFO", ["cvss", "rubric", s.path("fifo")], 2, stderr_has="not a regular file",
      timeout=20)

# ---- item 5: validate reads the threat rule catalogs -------------------------------------------

d = device("bad-rules", extra="threat_rules: [rules/bad.yaml]\n")
s.write("bad-rules/rules/bad.yaml", BAD_RULES)
s.run("threats fails on the bad catalog", ["threats", d], 2,
      stderr_has="bad.yaml:6:36: error: 'any' takes a list of conditions")
s.run("validate reports the bad catalog with its position", ["validate", d], 2,
      stderr_has=["rules/bad.yaml:6:36: error: 'any' takes a list of conditions",
                  "device.yaml: 1 error"], stdout_lacks="valid")
p = s.run("validate --json reports it too", ["validate", "--json", d], 2,
          stdout_has=['"valid": false', '"line": 6', '"column": 36'])

d = device("two-bad-rules", extra="threat_rules: [rules/bad.yaml, rules/good.yaml, rules/other.yaml]\n")
s.write("two-bad-rules/rules/bad.yaml", BAD_RULES)
s.write("two-bad-rules/rules/good.yaml", GOOD_RULES)
s.write("two-bad-rules/rules/other.yaml", OTHER_BAD_RULES)
s.run("validate reports every bad catalog", ["validate", d], 2,
      stderr_has=["rules/bad.yaml:6:36: error:", "rules/other.yaml:4:", "device.yaml: 2 errors"])

d = device("good-rules", extra="threat_rules: [rules/good.yaml]\n")
s.write("good-rules/rules/good.yaml", GOOD_RULES)
s.run("a good catalog validates", ["validate", d], 0, stdout_has="valid")

s.done()
